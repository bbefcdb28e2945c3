// The status of an environment that runs as a Swarm stack, read from its manager:
// each service with running/desired replicas, each replica slot's newest task with
// its node, state, health and error. Only types come from discovery (no import
// cycle: discovery dispatches here).
import type Docker from 'dockerode';
import { DockerUnreachableError } from '../common/errors';
import { redactSecrets } from '../common/process';
import type { Environment } from '../config/model';
import { callDocker, dockerHostLabel, isApiError } from '../docker/client';
import type { ContainerHealth, ContainerState, ContainerStatus, EnvironmentHealth, EnvironmentStatus } from '../docker/discovery';

/** Swarm's task states (docker/swarmkit api TaskState), lower case as the API gives them. */
export type SwarmTaskState =
  | 'new' | 'allocated' | 'pending' | 'assigned' | 'accepted' | 'preparing' | 'ready' | 'starting' | 'running'
  | 'complete' | 'shutdown' | 'failed' | 'rejected' | 'remove' | 'orphaned';

export interface SwarmTaskStatus {
  id: string;
  /** `<stack>_<service>.<slot>` (replicated) or `<stack>_<service>.<node id>` (global), as `docker service ps` names it. */
  name: string;
  /** The node's hostname; absent while the task is not yet assigned. */
  node?: string;
  state: SwarmTaskState;
  desiredState: string;
  /** Swarm reports a task `running` only once its health check passed; `starting` means the check is pending. */
  health: ContainerHealth;
  /** Why the task is not running (Swarm's `Err`), secrets redacted. */
  error?: string;
  /** Why this slot's previous task ended, when it failed: what a replacement task is replacing. */
  previousError?: string;
  containerId?: string;
  image: string;
  /** ISO time of the task's last state change. */
  since?: string;
}

export interface SwarmServiceStatus {
  /** The compose service name (`web`); the Swarm service is `<stack>_<service>`. */
  service: string;
  mode: 'replicated' | 'global';
  running: number;
  desired: number;
  /** Swarm's rolling update or rollback in progress or ended (`updating`, `completed`, `rollback_started`, …). */
  updateState?: string;
  tasks: SwarmTaskStatus[];
}

export interface SwarmNodeStatus {
  id: string;
  hostname: string;
  /** `ready`, `down`, `unknown`, `disconnected`. */
  state: string;
  availability: string;
  role: string;
  /** The address the swarm reaches the node at. */
  address?: string;
}

export interface SwarmStatus {
  stack: string;
  services: SwarmServiceStatus[];
  nodes: SwarmNodeStatus[];
}

/** The label `docker stack deploy` puts on every service, network and task of a stack. */
export const STACK_LABEL = 'com.docker.stack.namespace';

/** What the Engine API answers for a task, the parts read here. */
interface TaskInfo {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  Slot?: number;
  DesiredState: string;
  UpdatedAt?: string;
  CreatedAt?: string;
  Spec?: { ContainerSpec?: { Image?: string; Healthcheck?: { Test?: string[] } } };
  Status: { State: SwarmTaskState; Err?: string; Timestamp?: string; ContainerStatus?: { ContainerID?: string } };
}

/** One read of the stack on the manager: its services, their tasks, the nodes. */
export interface SwarmReading {
  services: Docker.Service[];
  tasks: TaskInfo[];
  nodes: SwarmNodeStatus[];
}

export async function readSwarm(docker: Docker, stack: string): Promise<SwarmReading> {
  const services = await callDocker(docker, () => docker.listServices({ filters: { label: [`${STACK_LABEL}=${stack}`] } })).catch((error: unknown) => {
    // 503: a worker, or an engine in no swarm, answers "This node is not a swarm manager"
    if (isApiError(error) && error.statusCode === 503) {
      throw new DockerUnreachableError(`The Docker engine at ${dockerHostLabel(docker)} is not a Swarm manager, so the stack ${stack} cannot be read there; point dockerHost at a manager of its swarm.`, { cause: error });
    }
    throw error;
  });
  const [tasks, nodes] = await Promise.all([
    services.length === 0 ? Promise.resolve([]) : callDocker(docker, () => docker.listTasks({ filters: { service: services.map((s) => s.ID) } }) as Promise<TaskInfo[]>),
    callDocker(docker, () => docker.listNodes()),
  ]);
  return {
    services,
    tasks,
    nodes: nodes.map((n) => ({
      id: n.ID ?? '', hostname: n.Description?.Hostname ?? n.ID ?? '', state: n.Status?.State ?? 'unknown',
      availability: n.Spec?.Availability ?? 'active', role: n.Spec?.Role ?? 'worker', address: n.Status?.Addr,
    })),
  };
}

const imageWithoutDigest = (image: string) => image.replace(/@sha256:[0-9a-f]+$/, '');
const newestFirst = (a: TaskInfo, b: TaskInfo) => (b.UpdatedAt ?? b.CreatedAt ?? '').localeCompare(a.UpdatedAt ?? a.CreatedAt ?? '');

function taskHealth(task: TaskInfo): ContainerHealth {
  if (task.Status.State === 'starting') return 'starting';
  if (/unhealthy/i.test(task.Status.Err ?? '')) return 'unhealthy';
  const test = task.Spec?.ContainerSpec?.Healthcheck?.Test;
  return task.Status.State === 'running' && test && test[0] !== 'NONE' ? 'healthy' : 'none';
}

/**
 * Each slot's newest task (a replicated service's slot, a global service's node):
 * what `docker service ps` shows unindented. Older tasks of a slot count only for
 * the error the newest replaces.
 */
function serviceStatus(stack: string, service: Docker.Service, reading: SwarmReading, secrets: readonly string[]): SwarmServiceStatus {
  const hostname = new Map(reading.nodes.map((n) => [n.id, n.hostname]));
  const spec = service.Spec as { Name?: string; Mode?: { Replicated?: { Replicas?: number }; Global?: object } } | undefined;
  const name = spec?.Name ?? '';
  const global = spec?.Mode?.Global !== undefined;
  const slots = new Map<string, TaskInfo[]>();
  for (const task of reading.tasks.filter((t) => t.ServiceID === service.ID)) {
    const slot = global ? `node:${task.NodeID ?? ''}` : `slot:${task.Slot ?? 0}`;
    slots.set(slot, [...(slots.get(slot) ?? []), task]);
  }
  const clean = (text: string | undefined) => (text ? redactSecrets(text, secrets).slice(0, 300) : undefined);
  const tasks = [...slots.values()].map((history) => {
    const [newest, previous] = history.sort(newestFirst);
    const slotName = global ? (newest.NodeID ?? '') : String(newest.Slot ?? '');
    return {
      id: newest.ID,
      name: `${name}.${slotName}`,
      node: newest.NodeID ? hostname.get(newest.NodeID) ?? newest.NodeID : undefined,
      state: newest.Status.State,
      desiredState: newest.DesiredState,
      health: taskHealth(newest),
      error: clean(newest.Status.Err),
      previousError: previous?.Status.State === 'failed' || previous?.Status.State === 'rejected' ? clean(previous.Status.Err) : undefined,
      containerId: newest.Status.ContainerStatus?.ContainerID || undefined,
      image: imageWithoutDigest(newest.Spec?.ContainerSpec?.Image ?? ''),
      since: newest.Status.Timestamp,
    } satisfies SwarmTaskStatus;
  })
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  const replicas = spec?.Mode?.Replicated?.Replicas ?? 0;
  // a slot scaled away (or a node a global service left) keeps its shut-down tasks in the list: only
  // slots meant to run count, and a slot whose task just failed shows that task until Swarm replaces it
  const meant = tasks.filter((task) => (global
    ? task.desiredState === 'running' || task.desiredState === 'ready' || task.state === 'running'
    : Number(task.name.slice(task.name.lastIndexOf('.') + 1)) <= replicas));
  const desired = global ? meant.filter((t) => t.desiredState === 'running').length : replicas;
  const updateState = (service as { UpdateStatus?: { State?: string } }).UpdateStatus?.State;
  return {
    service: name.startsWith(`${stack}_`) ? name.slice(stack.length + 1) : name,
    mode: global ? 'global' : 'replicated',
    running: meant.filter((t) => t.state === 'running' && t.desiredState === 'running').length,
    desired,
    updateState,
    tasks: meant,
  };
}

export function swarmStatusOf(stack: string, reading: SwarmReading, secrets: readonly string[] = []): SwarmStatus {
  const services = reading.services.map((s) => serviceStatus(stack, s, reading, secrets)).sort((a, b) => a.service.localeCompare(b.service));
  return { stack, services, nodes: [...reading.nodes].sort((a, b) => a.hostname.localeCompare(b.hostname)) };
}

const CONTAINER_STATE: Partial<Record<SwarmTaskState, ContainerState>> = {
  running: 'running', starting: 'running', complete: 'exited', shutdown: 'exited', failed: 'dead', rejected: 'dead', orphaned: 'dead', remove: 'dead',
};

/**
 * A task as a container line, so what shows containers (tree, badge, CLI) shows
 * replicas: one line per replica meant to run, `missing` for a slot Swarm has not
 * filled, and the badge's `serving/total` becomes `running/desired` replicas.
 */
function taskAsContainer(service: string, task: SwarmTaskStatus): ContainerStatus {
  return {
    service,
    containerId: task.containerId,
    name: task.node ? `${task.name} on ${task.node}` : task.name,
    state: CONTAINER_STATE[task.state] ?? 'created',
    health: task.state === 'running' && task.health === 'none' ? 'none' : task.health,
    restartCount: 0,
    ports: [],
    image: task.image,
    startedAt: task.state === 'running' ? task.since : undefined,
    healthLog: task.error ?? task.previousError,
  };
}

function describe(service: SwarmServiceStatus): string {
  const unwell = service.tasks.find((t) => t.state !== 'running' || t.desiredState !== 'running');
  const detail = unwell ? ` (${unwell.name}${unwell.node ? ` on ${unwell.node}` : ''} is ${unwell.state}${unwell.error ?? unwell.previousError ? `: ${unwell.error ?? unwell.previousError}` : ''})` : '';
  return `${service.service} runs ${service.running} of ${service.desired} replicas${detail}`;
}

/**
 * An environment's health from its stack: healthy when every service runs all its
 * desired replicas, down when none runs any, degraded in between.
 */
export function summariseSwarm(environment: Environment, status: SwarmStatus): EnvironmentStatus {
  const stack = environment.swarm?.stack ?? status.stack;
  const byName = new Map(status.services.map((s) => [s.service, s]));
  const listed = environment.services.map((name) => byName.get(name) ?? { service: name, mode: 'replicated' as const, running: 0, desired: 1, tasks: [] });
  const containers = listed.flatMap((service) => {
    const lines = service.tasks.map((t) => taskAsContainer(service.service, t));
    for (let i = lines.length; i < service.desired; i++) lines.push({ service: service.service, state: 'missing', health: 'none', restartCount: 0, ports: [], image: '' });
    return lines;
  });
  const own = { ...status, services: listed };
  const unwell = listed.filter((s) => s.running < s.desired || s.desired === 0);
  if (unwell.length === 0) {
    const replicas = listed.reduce((sum, s) => sum + s.running, 0);
    return { environment: environment.name, health: 'healthy', reason: `All ${listed.length} services of stack ${stack} run their ${replicas} replicas.`, containers, swarm: own };
  }
  const health: EnvironmentHealth = listed.every((s) => s.running === 0) ? 'down' : 'degraded';
  const reason = status.services.length === 0
    ? `The stack ${stack} has no services on this swarm; deploy the environment.`
    : `${unwell.map((s) => (byName.has(s.service) ? describe(s) : `${s.service} is not a service of stack ${stack}`)).join('; ')}.`;
  return { environment: environment.name, health, reason, containers, swarm: own };
}

/** The environment's stack read once from its manager (status, the health gate). */
export async function readSwarmEnvironmentStatus(docker: Docker, environment: Environment, secrets: readonly string[] = []): Promise<EnvironmentStatus> {
  const stack = environment.swarm?.stack ?? '';
  return summariseSwarm(environment, swarmStatusOf(stack, await readSwarm(docker, stack), secrets));
}
