import { databaseCredentials, type DualEnvConfig, type SecretSource } from '../config';
import { restoreBackup, type BackupRecord } from '../database';
import { backupPlaceOf } from './backupPlaceOf';
import { databaseOf, databaseRoute, retain, takeBackup } from './backupDatabase';
import type { BackupSummary, DatabaseBackups } from './backupPort';

function summary(record: BackupRecord, environment: string): BackupSummary {
  return { id: record.id, environment: record.environment ?? environment, createdAt: record.createdAt ?? '', gitCommit: record.gitCommit, images: record.images };
}

/**
 * The backup issue's verified backup store and atomic restore behind the
 * operations' backup dependency. Backups are `backupDatabase`'s, as from
 * `dual-env backup`.
 */
export function databaseBackups(config: DualEnvConfig, secrets?: SecretSource): DatabaseBackups {
  return {
    async create({ environment, gitCommit, images, reason, keep }, signal, onProgress) {
      // the same retention as `dual-env backup`: deploys must not fill the disk with backups
      // called by deploys and rollbacks, which hold the environment's lock already
      const record = await takeBackup({ config, environment, secrets }, { gitCommit, images, reason, keep }, signal, onProgress);
      return summary(record, environment.name);
    },
    async restore({ environment, backupId, from, safetyBackup, onPointOfNoReturn }, signal, onProgress) {
      const credentials = await databaseRoute(environment, await databaseCredentials(config, databaseOf(environment), { asRoot: true, secrets }));
      const result = await restoreBackup(
        // a production backup loaded into staging keeps staging's safety backup in staging's own folder
        { credentials, place: backupPlaceOf(config, from ?? environment), safetyPlace: backupPlaceOf(config, environment), environment: environment.name },
        { backupId, safetyBackup: safetyBackup !== undefined, safetyRecord: safetyBackup, onPointOfNoReturn },
        signal,
        onProgress,
      );
      if (!result.safetyBackup) return {};
      // a safety backup counts against the retention like any other, sparing the backup just restored
      await retain(backupPlaceOf(config, environment), environment.backups.retention, [result.safetyBackup.id, ...(from ? [] : [backupId])], onProgress);
      return { safetyBackup: summary(result.safetyBackup, environment.name) };
    },
    async list(environment) {
      return (await backupPlaceOf(config, environment).list()).filter((b) => b.complete && b.verified).map((b) => summary(b, environment.name));
    },
  };
}
