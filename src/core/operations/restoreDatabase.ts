import { UsageError } from '../common/errors';
import { assertIsolated, databaseCredentials, type DualEnvConfig, type Environment, type SecretSource } from '../config';
import { restoreBackup, type RestoreResult } from '../database';
import { databaseOf, databaseRoute } from './backupDatabase';
import { backupPlaceOf } from './backupPlaceOf';
import { withEnvironmentLock } from './environmentLock';
import type { ProgressListener } from '../common/progress';

export interface RestoreDatabaseDeps {
  config: DualEnvConfig;
  environment: Environment;
  secrets?: SecretSource;
  /** Connections that load rows at once. */
  parallel?: number;
}

export interface RestoreDatabaseInput {
  backupId: string;
  /** Back up the current state first (default true). */
  safetyBackup?: boolean;
  /** The environment whose backup it is, when not the one restored (production's data as staging's fresh data). */
  from?: Environment;
}

/** Production is restored only from its own backups: another environment's data is never what production should hold. */
export function assertRestorableFrom(environment: Environment, from: Environment | undefined): void {
  if (from && from.name !== environment.name && environment.isProduction) {
    throw new UsageError(`${environment.label} is restored only from its own backups, never from ${from.label}'s; nothing was changed.`);
  }
}

/** Production's data is never replaced without a backup of it first; callers that ask before restoring check this before asking. */
export function assertSafetyBackupKept(environment: Environment, safetyBackup: boolean | undefined): void {
  if (environment.isProduction && safetyBackup === false) {
    throw new UsageError(`${environment.label}'s data is never replaced without a backup of it first; drop --no-safety-backup.`);
  }
}

/**
 * Restores one of an environment's backups into its database, as root (the
 * restore loads into a scratch database before swapping it in), holding the
 * environment's lock so no deploy or rollback runs meanwhile. Production's
 * current data is always backed up first. Confirming with the user is the
 * caller's job.
 */
export async function restoreDatabase(
  deps: RestoreDatabaseDeps,
  input: RestoreDatabaseInput,
  signal: AbortSignal,
  onProgress?: ProgressListener,
): Promise<RestoreResult> {
  assertIsolated(deps.config);
  assertSafetyBackupKept(deps.environment, input.safetyBackup);
  assertRestorableFrom(deps.environment, input.from);
  const database = databaseOf(deps.environment);
  const credentials = await databaseRoute(deps.environment, await databaseCredentials(deps.config, database, { asRoot: true, secrets: deps.secrets }));
  return withEnvironmentLock(deps.config, deps.environment, `restore of backup ${input.backupId}`, 'restore', () => restoreBackup(
    // the safety backup of what the environment held stays its own, wherever the backup comes from
    { credentials, place: backupPlaceOf(deps.config, input.from ?? deps.environment), safetyPlace: backupPlaceOf(deps.config, deps.environment), environment: deps.environment.name, parallel: deps.parallel },
    { backupId: input.backupId, safetyBackup: input.safetyBackup },
    signal,
    onProgress,
  ));
}
