import { ConfigError } from '../common/errors';
import { databaseCredentials, type DatabaseConfig, type DualEnvConfig, type Environment, type SecretSource } from '../config';
import { applyRetention, createBackup, type BackupRecord, type DatabaseCredentials, type DumpOptions } from '../database';
import type { ProgressListener } from './progress';

export interface BackupDatabaseDeps {
  config: DualEnvConfig;
  environment: Environment;
  secrets?: SecretSource;
  dump?: Omit<DumpOptions, 'onProgress'>;
}

export interface BackupDatabaseInput {
  gitCommit?: string;
  images?: Record<string, string>;
  reason?: string;
  /** Apply the environment's retention afterwards (default true). */
  retention?: boolean;
}

export function databaseOf(environment: Environment): DatabaseConfig {
  if (!environment.database) {
    throw new ConfigError(`The environment ${environment.name} declares no database in x-dual-env; add a database block to back it up.`);
  }
  return environment.database;
}

/**
 * The credentials a backup reads with: root when its password is configured
 * (it can read every routine's body, whoever defined it), else the
 * application user.
 */
export async function backupCredentials(config: DualEnvConfig, database: DatabaseConfig, secrets?: SecretSource): Promise<DatabaseCredentials> {
  if (database.rootPasswordVariable) {
    try {
      return await databaseCredentials(config, database, { asRoot: true, secrets });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
    }
  }
  return databaseCredentials(config, database, { secrets });
}

/** Backs up an environment's database into its backups folder, then applies its retention. */
export async function backupDatabase(
  deps: BackupDatabaseDeps,
  input: BackupDatabaseInput,
  signal: AbortSignal,
  onProgress?: ProgressListener,
): Promise<BackupRecord> {
  const database = databaseOf(deps.environment);
  const credentials = await backupCredentials(deps.config, database, deps.secrets);
  const record = await createBackup(
    { credentials, folder: deps.environment.backups.folder, dump: deps.dump },
    { environment: deps.environment.name, gitCommit: input.gitCommit, images: input.images, reason: input.reason },
    signal,
    onProgress,
  );
  if (input.retention !== false) await applyRetention(deps.environment.backups.folder, deps.environment.backups.retention);
  return record;
}
