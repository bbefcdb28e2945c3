import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import type Docker from 'dockerode';
import { parseDotEnv } from '../../src/core/config';
import { detectCompose, runCompose, type ComposeCommand, type ComposeProject } from '../../src/core/compose/composeCommand';
import { APP_IMAGES, BASE_IMAGE, DATABASE_SERVERS, checkoutProjects, composeFile, envFile, projectName, repoRoot, stackServer } from './paths';
import { RigError, readState, writeState } from './state';
import { standalonePorts } from './databaseServers';
import { removeLeftovers } from './leftovers';

export type EnvironmentName = 'staging' | 'production';
const MARKER = '# written by the Dual Env test rig (npm run rig:up); npm run rig:down removes it';

export const project: ComposeProject = { file: composeFile, projectName, projectDir: repoRoot };

/** Published ports of each half, by the variable that overrides them and the seed's default. */
export const PORTS: Record<EnvironmentName, Record<string, number>> = {
  staging: { STAGING_HTTP_PORT: 8080, STAGING_HTTPS_PORT: 8443, STAGING_API_PORT: 5001, STAGING_DB_PORT: 3308 },
  production: { PRODUCTION_HTTP_PORT: 80, PRODUCTION_HTTPS_PORT: 443, PRODUCTION_DB_PORT: 3307 },
};

export function servicesOf(environment: EnvironmentName): string[] {
  // production's edge owns its published ports, so that a deploy can replace the frontend behind it
  const roles = environment === 'production' ? ['frontend', 'backend', 'database', 'edge'] : ['frontend', 'backend', 'database'];
  return roles.map((role) => `${environment}-${role}`);
}

/** The .env the rig writes beside the compose file: test passwords and local images. */
export function ensureEnvFile(): Record<string, string> {
  let existing: Record<string, string> = {};
  if (fs.existsSync(envFile)) {
    const text = fs.readFileSync(envFile, 'utf8');
    if (!text.startsWith(MARKER)) throw new RigError(`${envFile} exists and was not written by the rig; move it away before running the rig.`);
    existing = parseDotEnv(text);
  }
  const secret = () => crypto.randomBytes(12).toString('base64url');
  // RIG_PORT_OFFSET lets several checkouts run their own rig side by side (CI uses the seed's ports)
  const offset = Number(process.env.RIG_PORT_OFFSET ?? 0);
  const ports = Object.fromEntries(Object.values(PORTS).flatMap((half) => Object.entries(half)).map(([k, v]) => [k, String(v + offset)]));
  const wanted: Record<string, string> = {
    COMPOSE_PROJECT_NAME: projectName,
    ...ports,
    STAGING_DB_PASSWORD: secret(),
    STAGING_DB_ROOT_PASSWORD: secret(),
    PRODUCTION_DB_PASSWORD: secret(),
    PRODUCTION_DB_ROOT_PASSWORD: secret(),
    STAGING_DATABASE_IMAGE: DATABASE_SERVERS[stackServer].image,
    PRODUCTION_DATABASE_IMAGE: DATABASE_SERVERS[stackServer].image,
    ...standalonePorts(offset),
    RIG_MYSQL_ROOT_PASSWORD: secret(),
    RIG_MARIADB_ROOT_PASSWORD: secret(),
    FRONTEND_BASE_IMAGE: BASE_IMAGE,
    BACKEND_BASE_IMAGE: BASE_IMAGE,
    ...APP_IMAGES,
    // every check is a process started in the container: several rigs on two cores can ask for a slower pace
    HEALTHCHECK_INTERVAL: process.env.RIG_HEALTHCHECK_INTERVAL || '1s',
    HEALTHCHECK_START_PERIOD: '120s',
    PUBLISH_ADDRESS: '127.0.0.1',
  };
  // passwords already in use stay (the database volumes were initialised with them);
  // names and ports follow RIG_INSTANCE / RIG_PORT_OFFSET of this run
  const derived = Object.fromEntries(Object.entries(wanted).filter(([key]) => !key.endsWith('PASSWORD')));
  const values = { ...wanted, ...existing, ...derived };
  if (Object.entries(values).every(([key, value]) => existing[key] === value)) return values;
  const body = Object.entries(values).map(([k, v]) => `${k}=${v}`).join('\n');
  fs.writeFileSync(envFile, `${MARKER}\n${body}\n`, { mode: 0o600 });
  writeState({ ...readState(), wroteEnvFile: true });
  return values;
}

/**
 * The .env for an engine: when it has to be written afresh, the data this checkout's
 * rig left on the engine was initialised with passwords nobody has any more, so it goes first.
 */
export async function ensureEnvFileOn(docker: Docker, log: (line: string) => void): Promise<Record<string, string>> {
  if (!fs.existsSync(envFile)) await removeLeftovers(docker, { everyCheckout: false }, log);
  return ensureEnvFile();
}

export function removeEnvFileIfOurs(): void {
  if (fs.existsSync(envFile) && fs.readFileSync(envFile, 'utf8').startsWith(MARKER)) fs.rmSync(envFile);
  writeState({ ...readState(), wroteEnvFile: false });
}

export async function projectContainers(docker: Docker, services?: readonly string[], project = projectName): Promise<Docker.ContainerInfo[]> {
  const all = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
  return services ? all.filter((c) => services.includes(c.Labels['com.docker.compose.service'])) : all;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Removes the containers (never the volumes) of this checkout's stack on the
 * other database server: they hold the same ports. Switching back recreates
 * them on the data they had.
 */
async function stopSiblingStacks(docker: Docker, log: (line: string) => void): Promise<void> {
  for (const sibling of checkoutProjects.filter((p) => p !== projectName)) {
    const containers = await projectContainers(docker, undefined, sibling);
    if (containers.length > 0) log(`removing the containers of ${sibling} (the stack on another database server; its volumes stay)`);
    for (const container of containers) await docker.getContainer(container.Id).remove({ force: true });
  }
}

/** Refuses, in one sentence, when a port the half publishes is held by something else. */
async function checkPorts(docker: Docker, environment: EnvironmentName, env: Record<string, string>): Promise<void> {
  const ours = new Set((await projectContainers(docker)).flatMap((c) => c.Ports.map((p) => p.PublicPort)));
  for (const [variable, fallback] of Object.entries(PORTS[environment])) {
    const port = Number(env[variable] ?? fallback);
    if (!ours.has(port) && !(await portFree(port))) {
      const holder = (await docker.listContainers()).find((c) => c.Ports.some((p) => p.PublicPort === port));
      const by = holder ? `Docker container ${holder.Names[0]?.replace(/^\//, '')}` : 'another program';
      throw new RigError(`Port ${port} on 127.0.0.1 is already taken by ${by}; free it or set ${variable} in .env.`);
    }
  }
}

export async function waitHealthy(docker: Docker, services: readonly string[], timeoutMs = 240_000, project = projectName): Promise<void> {
  let last = '';
  for (const end = Date.now() + timeoutMs; Date.now() < end; ) {
    const containers = await projectContainers(docker, services, project);
    const states = await Promise.all(containers.map((c) => docker.getContainer(c.Id).inspect()));
    const pending = services.filter((service) => {
      const state = states.find((s) => s.Config.Labels['com.docker.compose.service'] === service)?.State;
      return state?.Health?.Status !== 'healthy';
    });
    if (pending.length === 0) return;
    last = pending.map((service) => {
      const state = states.find((s) => s.Config.Labels['com.docker.compose.service'] === service)?.State;
      const log = state?.Health?.Log?.at(-1)?.Output?.trim().slice(0, 200);
      return `${service}: ${state ? `${state.Status}/${state.Health?.Status ?? 'no healthcheck'}${log ? ` (${log})` : ''}` : 'missing'}`;
    }).join('; ');
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new RigError(`services did not turn healthy in ${timeoutMs / 1000} s: ${last}`);
}

let composeCommand: Promise<ComposeCommand> | undefined;
export function compose(): Promise<ComposeCommand> {
  composeCommand ??= detectCompose(process.env.DUAL_ENV_COMPOSE === 'v1' || process.env.DUAL_ENV_COMPOSE === 'v2' ? process.env.DUAL_ENV_COMPOSE : 'auto');
  return composeCommand;
}

export async function composeChecked(args: readonly string[], log: (line: string) => void = () => {}): Promise<string> {
  const result = await runCompose(await compose(), project, args, { onLine: (line) => log(line) });
  if (result.exitCode !== 0) {
    throw new RigError(`compose ${args.join(' ')} failed (exit code ${result.exitCode}): ${(result.stderr || result.stdout).trim().split('\n').slice(-4).join(' | ')}`);
  }
  return result.stdout;
}

/** Brings one half (or both) of the reference stack up and waits until every service is healthy. */
export async function ensureHalf(docker: Docker, environment: EnvironmentName, log: (line: string) => void): Promise<void> {
  const env = ensureEnvFile();
  await stopSiblingStacks(docker, log);
  await checkPorts(docker, environment, env);
  const services = servicesOf(environment);
  // a benchmark pauses the services it does not measure; one that was killed may have left them so
  for (const paused of (await projectContainers(docker, services)).filter((c) => c.State === 'paused')) {
    await docker.getContainer(paused.Id).unpause();
  }
  const running = (await projectContainers(docker, services)).filter((c) => c.State === 'running');
  // once per process `up` runs whatever the state, so a changed compose file or Dockerfile is applied
  if (!converged.has(environment) || running.length < services.length) {
    log(`compose up ${environment}`);
    await composeChecked(['up', '-d', '--build', ...services], log);
    converged.add(environment);
  }
  await waitHealthy(docker, services);
}
const converged = new Set<EnvironmentName>();

/** Removes one half: its containers, its network and its database volume (only the rig project's). */
export async function removeHalf(docker: Docker, environment: EnvironmentName, project = projectName): Promise<void> {
  const services = servicesOf(environment);
  for (const container of await projectContainers(docker, services, project)) {
    await docker.getContainer(container.Id).remove({ force: true, v: true });
  }
  const networks = await docker.listNetworks({ filters: { label: [`com.docker.compose.project=${project}`] } });
  for (const network of networks.filter((n) => n.Name.endsWith(`${environment}-network`))) {
    await docker.getNetwork(network.Id).remove().catch(() => undefined);
  }
  const { Volumes } = await docker.listVolumes({ filters: { label: [`com.docker.compose.project=${project}`] } });
  for (const volume of (Volumes ?? []).filter((v) => v.Name.endsWith(`${environment}_mysql_data`))) {
    await docker.getVolume(volume.Name).remove().catch(() => undefined);
  }
}

/** Everything of the rig project: containers, networks, volumes; also the app images compose built. */
export async function removeStack(docker: Docker, log: (line: string) => void): Promise<void> {
  if (!fs.existsSync(envFile)) ensureEnvFile();
  await composeChecked(['down', '--volumes', '--remove-orphans'], log).catch((error: Error) => log(error.message));
  for (const project of checkoutProjects) {
    for (const environment of ['staging', 'production'] as const) await removeHalf(docker, environment, project);
  }
}

/**
 * Pauses every container of the rig but `keep` while `action` runs: their
 * health checks (a process every second each) would otherwise take a share
 * of the two cores a benchmark measures. ensureHalf unpauses leftovers.
 */
export async function withOthersPaused<T>(docker: Docker, keep: readonly string[], action: () => Promise<T>): Promise<T> {
  const others = (await projectContainers(docker)).filter((c) => c.State === 'running' && !keep.includes(c.Labels['com.docker.compose.service']));
  for (const container of others) await docker.getContainer(container.Id).pause();
  try {
    return await action();
  } finally {
    for (const container of others) await docker.getContainer(container.Id).unpause().catch(() => undefined);
  }
}

