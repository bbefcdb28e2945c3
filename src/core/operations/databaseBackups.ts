import { databaseCredentials, type DualEnvConfig, type Environment, type SecretSource } from '../config';
import { ConfigError } from '../common/errors';
import { applyRetention, createBackup, listBackups, restoreBackup, type BackupRecord } from '../database';
import type { BackupSummary, DatabaseBackups } from './backupPort';

function summary(record: BackupRecord, environment: string): BackupSummary {
  return { id: record.id, environment: record.environment ?? environment, createdAt: record.createdAt ?? '', gitCommit: record.gitCommit, images: record.images };
}

function databaseOf(environment: Environment) {
  if (!environment.database) throw new ConfigError(`${environment.name} declares no database in x-dual-env, so it cannot be backed up or restored; add its database block.`);
  return environment.database;
}

/**
 * The backup issue's verified backup store and atomic restore behind the
 * operations' backup dependency. Backups run as root when a root password
 * variable is declared (routines and triggers need it), else as the app user.
 */
export function databaseBackups(config: DualEnvConfig, secrets?: SecretSource): DatabaseBackups {
  return {
    async create({ environment, gitCommit, images, reason }, signal, onProgress) {
      const database = databaseOf(environment);
      const credentials = await databaseCredentials(config, database, { asRoot: Boolean(database.rootPasswordVariable), secrets });
      const record = await createBackup({ credentials, folder: environment.backups.folder }, { environment: environment.name, gitCommit, images, reason }, signal, onProgress);
      // the same retention as `dual-env backup`: deploys must not fill the disk with backups
      await applyRetention(environment.backups.folder, environment.backups.retention);
      return summary(record, environment.name);
    },
    async restore({ environment, backupId, from, safetyBackup }, signal, onProgress) {
      const credentials = await databaseCredentials(config, databaseOf(environment), { asRoot: true, secrets });
      await restoreBackup(
        // a production backup loaded into staging keeps staging's safety backup in staging's own folder
        { credentials, folder: (from ?? environment).backups.folder, safetyFolder: environment.backups.folder, environment: environment.name },
        { backupId, safetyBackup: safetyBackup ?? false },
        signal,
        onProgress,
      );
    },
    async list(environment) {
      return listBackups(environment.backups.folder).filter((b) => b.complete && b.verified).map((b) => summary(b, environment.name));
    },
  };
}
