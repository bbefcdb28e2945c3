import type Docker from 'dockerode';
import { ensureEngine } from './engine';
import { ensureImages } from './images';
import { ensureEnvFile, ensureHalf, type EnvironmentName } from './stack';
import { ensureDatabaseServer, type DatabaseServer } from './databaseServers';
import type { DatabaseServerKind } from './paths';

export { DATABASE_SERVERS, composeFile, envFile, projectName, repoRoot, stackServer, type DatabaseServerKind } from './paths';
export { containerNameOf, type DatabaseServer } from './databaseServers';
export { PORTS, composeChecked, ensureHalf, projectContainers, removeHalf, servicesOf, waitHealthy, withOthersPaused, type EnvironmentName } from './stack';

export interface Rig {
  docker: Docker;
  /** Values of the rig's .env: passwords and image names. */
  env: Record<string, string>;
}

const quiet = (line: string) => { if (process.env.RIG_VERBOSE) console.error(`[rig] ${line}`); };

let engineAndImages: Promise<Docker> | undefined;

/**
 * The one call tests and benchmarks make: a Docker engine, the offline images,
 * and the halves of the reference stack they ask for, healthy.
 */
export async function startRig(halves: readonly EnvironmentName[] = [], log: (line: string) => void = quiet): Promise<Rig> {
  engineAndImages ??= ensureEngine(log).then(async (docker) => {
    await ensureImages(docker, log);
    return docker;
  });
  const docker = await engineAndImages;
  const env = ensureEnvFile();
  for (const half of halves) await ensureHalf(docker, half, log);
  return { docker, env };
}

/** The rig's standalone server of `kind`, answering: what the database suite runs against, on each server. */
export async function startDatabaseServer(kind: DatabaseServerKind): Promise<DatabaseServer> {
  const { docker, env } = await startRig();
  return ensureDatabaseServer(docker, kind, env);
}
