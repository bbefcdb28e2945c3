import { spawnSync } from 'node:child_process';
import type Docker from 'dockerode';
import { ensureEngine } from './engine';
import { ensureImages } from './images';
import { composeChecked, ensureEnvFileOn, ensureHalf, servicesOf, type EnvironmentName } from './stack';
import { ensureDatabaseServer, type DatabaseServer } from './databaseServers';
import { DATABASE_SERVERS, projectName, stackServer, type DatabaseServerKind } from './paths';
import { ensureRemoteServer, type RemoteServer } from './remote';
import { ensureSwarm, type Swarm } from './swarm';

export { DATABASE_SERVERS, composeFile, envFile, projectName, repoRoot, stackServer, type DatabaseServerKind } from './paths';
export { containerNameOf, type DatabaseServer } from './databaseServers';
export { PORTS, compose, composeChecked, ensureHalf, projectContainers, removeHalf, servicesOf, waitHealthy, withOthersPaused, type EnvironmentName } from './stack';

export { SWARM_FRONT_IMAGE, SWARM_WEB_IMAGE, inRegistry, managerDocker, swarmAlias, type Swarm } from './swarm';
export { REMOTE_ALIAS, SECOND_REMOTE_ALIAS, copyImages, ensureRemoteHalf, remoteCompose, removeRemoteHalf, startRemoteEngine, stopRemoteEngine, type RemoteServer } from './remote';

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
  const env = await ensureEnvFileOn(docker, log);
  for (const half of halves) await ensureHalf(docker, half, log);
  return { docker, env };
}

let remoteServer: Promise<RemoteServer> | undefined;

/**
 * The rig's remote server, up, with the stack's images; the local rig first, since
 * the images come from there. This process's PATH gets the rig's `ssh` wrapper, so
 * that the engine's own ssh:// connections find the server's alias and key.
 */
export async function startRemoteServer(log: (line: string) => void = quiet): Promise<RemoteServer> {
  remoteServer ??= startRig([], log).then(async ({ docker }) => {
    const server = await ensureRemoteServer(docker, log, [stackServer]);
    process.env.PATH = server.env.PATH;
    return server;
  });
  return remoteServer;
}

let secondRemoteServer: Promise<RemoteServer> | undefined;

/**
 * A second server beside the first, for environments on two servers. It costs a
 * namespace, a dockerd, an image copy and a build: only the tests that need it
 * start it. This process's PATH gets its `ssh` wrapper, which reaches both aliases.
 */
export async function startSecondRemoteServer(log: (line: string) => void = quiet): Promise<RemoteServer> {
  secondRemoteServer ??= startRemoteServer(log).then(async () => {
    const server = await ensureRemoteServer(await engineAndImages!, log, [stackServer], 2);
    process.env.PATH = server.env.PATH;
    return server;
  });
  return secondRemoteServer;
}

let swarm: Promise<Swarm> | undefined;

/**
 * The rig's 3-node swarm with its registry and the tests' images pushed; the local
 * rig first, since the images are built there. This process's PATH gets the swarm's
 * `ssh` wrapper, which reaches every node by alias and by address.
 */
export async function startSwarm(log: (line: string) => void = quiet): Promise<Swarm> {
  swarm ??= startRig([], log).then(async ({ docker }) => {
    const started = await ensureSwarm(docker, log);
    process.env.PATH = started.env.PATH;
    return started;
  });
  return swarm;
}

/** The rig's standalone server of `kind`, answering: what the database suite runs against, on each server. */
export async function startDatabaseServer(kind: DatabaseServerKind): Promise<DatabaseServer> {
  const { docker, env } = await startRig();
  return ensureDatabaseServer(docker, kind, env);
}

/**
 * What the reference stack runs on in this process, for test names: its
 * database server and the Compose that DUAL_ENV_COMPOSE picks (the v2 plugin
 * first, as the product's own detection does).
 */
export function stackLabel(): string {
  const wanted = process.env.DUAL_ENV_COMPOSE;
  const version = (program: string, args: string[]) => {
    const run = spawnSync(program, [...args, 'version', '--short'], { encoding: 'utf8' });
    return run.status === 0 ? run.stdout.trim().replace(/^v/, '') : undefined;
  };
  const compose = (wanted === 'v1' ? undefined : version('docker', ['compose'])) ?? version('docker-compose', []) ?? 'none';
  return `${DATABASE_SERVERS[stackServer].label}, Compose ${compose}`;
}

/**
 * After a suite deployed from a temp project: both stacks back as the worktree
 * defines them, and the rollback tags its deploys made removed.
 */
export async function resetStacks(rig: Rig): Promise<void> {
  await composeChecked(['up', '-d', '--build', ...servicesOf('staging'), ...servicesOf('production')]).catch(() => undefined);
  for (const image of await rig.docker.listImages()) {
    for (const tag of image.RepoTags ?? []) {
      if (tag.startsWith(`${projectName}/`) && /:rollback-/.test(tag)) await rig.docker.getImage(tag).remove().catch(() => undefined);
    }
  }
}
