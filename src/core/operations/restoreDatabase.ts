import { databaseCredentials, type DualEnvConfig, type Environment, type SecretSource } from '../config';
import { restoreBackup, type RestoreResult } from '../database';
import { databaseOf } from './backupDatabase';
import type { ProgressListener } from './progress';

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
}

/**
 * Restores one of an environment's backups into its database, as root (the
 * restore loads into a scratch database before swapping it in). Confirming
 * with the user is the caller's job.
 */
export async function restoreDatabase(
  deps: RestoreDatabaseDeps,
  input: RestoreDatabaseInput,
  signal: AbortSignal,
  onProgress?: ProgressListener,
): Promise<RestoreResult> {
  const database = databaseOf(deps.environment);
  const credentials = await databaseCredentials(deps.config, database, { asRoot: true, secrets: deps.secrets });
  return restoreBackup(
    { credentials, folder: deps.environment.backups.folder, environment: deps.environment.name, parallel: deps.parallel },
    { backupId: input.backupId, safetyBackup: input.safetyBackup },
    signal,
    onProgress,
  );
}
