import type Docker from 'dockerode';
import { redactSecrets } from '../common/process';
import { secretsOf, type DualEnvConfig, type Environment } from '../config';
import { callDocker, isApiError } from './client';
import { parallelCallsOn } from './sshAgent';
import { readSwarmEnvironmentStatus, type SwarmStatus } from '../swarm/swarmStatus';

export type ContainerState = 'running' | 'exited' | 'restarting' | 'paused' | 'created' | 'dead' | 'missing';
export type ContainerHealth = 'healthy' | 'unhealthy' | 'starting' | 'none';
export type EnvironmentHealth = 'healthy' | 'degraded' | 'down' | 'unknown';

export interface ContainerPort {
  hostIp?: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
}

export interface ContainerStatus {
  service: string;
  containerId?: string;
  name?: string;
  state: ContainerState;
  health: ContainerHealth;
  restartCount: number;
  ports: ContainerPort[];
  image: string;
  imageId?: string;
  /** ISO time the container last started. */
  startedAt?: string;
  /** Output of the last health probe, when it failed. */
  healthLog?: string;
}

export interface EnvironmentStatus {
  environment: string;
  health: EnvironmentHealth;
  /** One sentence for people: why the environment has this health. */
  reason: string;
  /** For a Swarm environment: one line per replica (its newest task). */
  containers: ContainerStatus[];
  /** For a Swarm environment: its services' replicas, tasks and the swarm's nodes. */
  swarm?: SwarmStatus;
}

export const PROJECT_LABEL = 'com.docker.compose.project';
export const SERVICE_LABEL = 'com.docker.compose.service';
const ONEOFF_LABEL = 'com.docker.compose.oneoff';

/** Containers of a compose project are found by its labels: the same for v1 (`p_s_1`) and v2 (`p-s-1`) names. */
export function projectFilter(projectName: string, services?: readonly string[]): { label: string[] } {
  return { label: [`${PROJECT_LABEL}=${projectName}`, ...(services?.length === 1 ? [`${SERVICE_LABEL}=${services[0]}`] : [])] };
}

/** A container of the project that belongs to a service (not a `compose run` one-off). */
export function serviceOf(labels: Record<string, string> | undefined): string | undefined {
  if (!labels || labels[ONEOFF_LABEL] === 'True') return undefined;
  return labels[SERVICE_LABEL];
}

const STATES: readonly ContainerState[] = ['running', 'exited', 'restarting', 'paused', 'created', 'dead'];

/**
 * The status of one container from its inspect answer. A failing probe's output
 * is shown in status, and a healthcheck that runs `mysqladmin -p…` or prints
 * the app's settings puts a password in it: `secrets` are replaced there.
 */
export function containerStatusOf(info: Docker.ContainerInspectInfo, secrets: readonly string[] = []): ContainerStatus {
  const service = serviceOf(info.Config.Labels) ?? info.Name.replace(/^\//, '');
  const rawState = info.State.Status as ContainerState;
  const health = info.State.Health?.Status;
  const lastProbe = info.State.Health?.Log?.at(-1);
  const ports: ContainerPort[] = [];
  for (const [key, bindings] of Object.entries(info.NetworkSettings.Ports ?? {})) {
    const [containerPort, protocol = 'tcp'] = key.split('/');
    for (const binding of bindings ?? []) {
      ports.push({ hostIp: binding.HostIp || undefined, hostPort: Number(binding.HostPort), containerPort: Number(containerPort), protocol });
    }
  }
  ports.sort((a, b) => a.hostPort - b.hostPort || (a.hostIp ?? '').localeCompare(b.hostIp ?? ''));
  return {
    service,
    containerId: info.Id,
    name: info.Name.replace(/^\//, ''),
    state: STATES.includes(rawState) ? rawState : 'dead',
    health: health === 'healthy' || health === 'unhealthy' || health === 'starting' ? health : 'none',
    restartCount: info.RestartCount ?? 0,
    ports,
    image: info.Config.Image,
    imageId: info.Image,
    startedAt: info.State.StartedAt && !info.State.StartedAt.startsWith('0001-') ? info.State.StartedAt : undefined,
    healthLog: health === 'unhealthy' && lastProbe ? redactSecrets(lastProbe.Output.trim(), secrets).slice(0, 500) : undefined,
  };
}

export function missingContainer(service: string): ContainerStatus {
  return { service, state: 'missing', health: 'none', restartCount: 0, ports: [], image: '' };
}

/** A container that serves: running, and healthy or without a healthcheck. */
const serves = (c: ContainerStatus) => c.state === 'running' && (c.health === 'healthy' || c.health === 'none');

function describe(c: ContainerStatus): string {
  if (c.state === 'missing') return `${c.service} has no container`;
  if (c.state !== 'running') return `${c.service} is ${c.state}`;
  if (c.health === 'starting') return `${c.service} is starting (health check pending)`;
  return `${c.service} is ${c.health}${c.healthLog ? ` (${c.healthLog.split('\n')[0].slice(0, 120)})` : ''}`;
}

/**
 * An environment's health from its containers: healthy when every service has a
 * serving container, down when none runs, degraded in between; the reason names
 * the services that are not well.
 */
export function summarise(environment: Environment, containers: readonly ContainerStatus[]): EnvironmentStatus {
  const byService = environment.services.map((service) => {
    const own = containers.filter((c) => c.service === service);
    return own.length > 0 ? own : [missingContainer(service)];
  });
  const listed = byService.flat();
  const unwell = byService.filter((own) => !own.some(serves)).map((own) => own.find((c) => c.state === 'running') ?? own[0]);
  const total = environment.services.length;
  if (unwell.length === 0) {
    return { environment: environment.name, health: 'healthy', reason: `All ${total} services are running and healthy.`, containers: listed };
  }
  const running = byService.filter((own) => own.some((c) => c.state === 'running')).length;
  const health: EnvironmentHealth = running === 0 ? 'down' : 'degraded';
  const reason = listed.every((c) => c.state === 'missing')
    ? `None of the ${total} services has a container; deploy the environment or start it with compose up.`
    : `${unwell.map(describe).join('; ')}${health === 'down' ? '; nothing is running' : ''}.`;
  return { environment: environment.name, health, reason, containers: listed };
}

/** The status an environment gets while its engine does not answer. */
export function unknownStatus(environment: Environment, reason: string, containers: ContainerStatus[] = []): EnvironmentStatus {
  return { environment: environment.name, health: 'unknown', reason, containers };
}

/** Inspects containers by id, `secrets` kept out of their probe output; one that disappeared in between is left out. */
export async function inspectContainers(docker: Docker, ids: readonly string[], secrets: readonly string[] = [], concurrency = parallelCallsOn(docker)): Promise<Map<string, ContainerStatus | undefined>> {
  const out = new Map<string, ContainerStatus | undefined>();
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      try {
        out.set(id, containerStatusOf(await docker.getContainer(id).inspect(), secrets));
      } catch (error) {
        if (isApiError(error) && error.statusCode === 404) out.set(id, undefined);
        else throw error;
      }
    }
  };
  await callDocker(docker, () => Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker)).then(() => undefined));
  return out;
}

/** The project's containers (one list call), of the given services or all, inspected, `secrets` kept out of their probe output. */
export async function readProjectContainers(docker: Docker, projectName: string, services?: readonly string[], secrets: readonly string[] = []): Promise<ContainerStatus[]> {
  const listed = await callDocker(docker, () => docker.listContainers({ all: true, filters: projectFilter(projectName) }));
  const wanted = (c: Docker.ContainerInfo) => { const service = serviceOf(c.Labels); return service !== undefined && (!services || services.includes(service)); };
  const ids = listed.filter(wanted).map((c) => c.Id);
  const inspected = await inspectContainers(docker, ids, secrets);
  return [...inspected.values()].filter((c): c is ContainerStatus => c !== undefined);
}

/** The environment's health and containers, read once (the deploy health gate uses this). */
export async function readEnvironmentStatus(docker: Docker, config: DualEnvConfig, environment: Environment): Promise<EnvironmentStatus> {
  if (environment.swarm) return readSwarmEnvironmentStatus(docker, environment, secretsOf(config));
  return summarise(environment, await readProjectContainers(docker, config.projectName, environment.services, secretsOf(config)));
}
