import type Docker from 'dockerode';
import { ConfigError, errorMessage } from '../common/errors';
import { assertIsolated, databaseCredentials, type DatabaseConfig, type DualEnvConfig, type Environment, type SecretSource } from '../config';
import type { BackupPlace, BackupRecord, DatabaseCredentials, DumpOptions } from '../database';
import { backupPlaceOf } from './backupPlaceOf';
import { liveCommitOf } from './environmentHistory';
import { previousImages } from './liveImages';
import { withEnvironmentLock } from './environmentLock';
import { builtServices } from './operationContext';
import { progressReporter, type ProgressListener } from '../common/progress';
import { isSwarmDatabase, throughDatabaseNode } from '../swarm/databaseReach';

export interface BackupDatabaseDeps {
  config: DualEnvConfig;
  environment: Environment;
  secrets?: SecretSource;
  dump?: Omit<DumpOptions, 'onProgress' | 'onNote'>;
  /** The environment's engine: without `images`, the ids of the images running now are recorded, so a rollback to this backup can bring them back. */
  docker?: Docker;
}

export interface BackupDatabaseInput {
  gitCommit?: string;
  images?: Record<string, string>;
  reason?: string;
  /** Apply the environment's retention afterwards (default true). */
  retention?: boolean;
  /** Backups the retention must not delete this time (a rollback's target). */
  keep?: readonly string[];
}

export function databaseOf(environment: Environment): DatabaseConfig {
  if (!environment.database) {
    throw new ConfigError(`The environment ${environment.name} declares no database in x-dual-env; add a database block to back it up.`);
  }
  // `name: ${UNSET}` would back up with no database selected, which verifies as an empty backup
  for (const key of ['name', 'user'] as const) {
    if (!environment.database[key]) throw new ConfigError(`${environment.label}'s database ${key} is empty once its variables are filled in; set the variable it names.`);
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

/**
 * The credentials as this machine reaches the database: a Compose database through its
 * engine's SSH route (as databaseCredentials has it), a Swarm one through the node its
 * task runs on. `docker`: the environment's engine (a Swarm manager), when at hand.
 */
export async function databaseRoute(environment: Environment, credentials: DatabaseCredentials, docker?: Docker): Promise<DatabaseCredentials> {
  return isSwarmDatabase(environment) ? throughDatabaseNode(environment, credentials, docker) : credentials;
}

/** Image ids of the built services, stopped ones included; none when the engine does not answer (the backup itself does not need it). */
async function currentImages(deps: BackupDatabaseDeps): Promise<Record<string, string> | undefined> {
  if (!deps.docker) return undefined;
  try {
    return await previousImages(deps.docker, deps.config, builtServices(deps.config, deps.environment).built);
  } catch {
    return undefined;
  }
}

/** Applies retention after a backup; a failure there is said, never thrown: the backup it follows is verified and kept. */
export async function retain(place: BackupPlace, keep: number, protect: readonly string[] | undefined, onProgress?: ProgressListener): Promise<void> {
  const report = progressReporter(onProgress);
  try {
    const { warnings } = await place.retain(keep, protect);
    for (const warning of warnings) report.done('retention', warning);
  } catch (error) {
    report.done('retention', `Old backups in ${place.where} were not pruned (${errorMessage(error)}); the new backup is kept.`);
  }
}

/**
 * A backup asked for on its own (`dual-env backup`, Back Up Now): under the
 * environment's lock, since its retention could otherwise delete the backup a
 * running rollback is bringing back.
 */
export function backupDatabase(
  deps: BackupDatabaseDeps,
  input: BackupDatabaseInput,
  signal: AbortSignal,
  onProgress?: ProgressListener,
): Promise<BackupRecord> {
  // retention deletes: never in a folder another environment shares
  assertIsolated(deps.config);
  return withEnvironmentLock(deps.config, deps.environment, 'backup', 'backup', () => takeBackup(deps, input, signal, onProgress));
}

/** Backs up an environment's database into its backups folder, then applies its retention; the caller holds the lock and checked isolation. */
export async function takeBackup(
  deps: BackupDatabaseDeps,
  input: BackupDatabaseInput,
  signal: AbortSignal,
  onProgress?: ProgressListener,
): Promise<BackupRecord> {
  const database = databaseOf(deps.environment);
  const credentials = await databaseRoute(deps.environment, await backupCredentials(deps.config, database, deps.secrets), deps.docker);
  const place = backupPlaceOf(deps.config, deps.environment);
  const record = await place.create(
    { credentials, dump: deps.dump },
    {
      environment: deps.environment.name,
      gitCommit: input.gitCommit ?? await liveCommitOf(deps.config, deps.environment, deps.docker),
      images: input.images ?? (await currentImages(deps)),
      reason: input.reason,
    },
    signal,
    onProgress,
  );
  if (input.retention !== false) await retain(place, deps.environment.backups.retention, input.keep, onProgress);
  return record;
}
