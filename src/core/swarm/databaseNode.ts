// The node a Swarm environment's database runs on, and how this machine reaches it:
// a database on Swarm is a single-replica service pinned to a node with a volume, and
// its backups and restores go through that node as a Compose database's go through
// its server (the database's published port on the node's loopback, over `ssh -W`;
// the backups volume on the node's engine, read by helpers made from the database's
// own image, which that engine holds for certain). The manager's Engine API says which
// node runs the service's task; nodeDockerHost says how to reach that node.
import type Docker from 'dockerode';
import { DualEnvError } from '../common/errors';
import type { Environment } from '../config';
import { callDocker, dockerClientFor } from '../docker/client';
import { dockerHostOf } from '../docker/dockerHost';
import { endedTaskReason, noRunningTaskReason } from './databaseTask';
import { nodeDockerHost } from './nodeHosts';
import { inspectSwarmService, managerNodeId, serviceTasks, swarmNodes, type ApiNode } from './swarmApi';

/** The database of a Swarm environment cannot be reached through its node; the message says why and what to do. */
export class SwarmDatabaseError extends DualEnvError {
  readonly exitCode = 1;
}

export interface DatabaseNode {
  /** The node's hostname, for messages. */
  hostname: string;
  /** How this machine reaches the node's engine: the environment's own dockerHost when the node is the manager it names. */
  dockerHost: string;
  docker: Docker;
  /** The id of the image the database's container runs: on the node's engine for certain, with sh and coreutils. */
  image: string;
  /** The Swarm task found running the database, to tell afterwards whether it still does. */
  taskId: string;
}

/**
 * Why the database task `node` was found running no longer runs (replaced by an update,
 * its node drained or down), as the end of "the database task on <node> …", or
 * undefined while it still runs: a failure through it then had another cause.
 */
export async function databaseTaskEnded(manager: Docker, environment: Environment & { swarm: { stack: string } }, node: DatabaseNode): Promise<string | undefined> {
  return endedTaskReason(node.taskId, await serviceTasks(manager, [databaseServiceName(environment)]), await swarmNodes(manager));
}

/** `<stack>_<service>`: the Swarm service of the environment's database. */
export function databaseServiceName(environment: Environment & { swarm: { stack: string } }): string {
  return `${environment.swarm.stack}_${environment.database!.service}`;
}

/** Whether the stack has its database service yet (none before the environment's first deploy). */
export async function databaseServiceExists(manager: Docker, environment: Environment & { swarm: { stack: string } }): Promise<boolean> {
  return (await inspectSwarmService(manager, databaseServiceName(environment))) !== undefined;
}

/**
 * The node whose engine runs the database's one task now, reached as the manager is
 * (same scheme, user and port at the node's address), or a refusal in one sentence:
 * no service, not exactly one running task (a database must be a single replica),
 * a node nothing says how to reach.
 */
export async function findDatabaseNode(
  manager: Docker,
  environment: Environment & { swarm: { stack: string } },
  nodeDocker: (dockerHost: string) => Docker = (dockerHost) => dockerClientFor({ dockerHost }),
): Promise<DatabaseNode> {
  const name = databaseServiceName(environment);
  if (!(await databaseServiceExists(manager, environment))) {
    throw new SwarmDatabaseError(`${environment.label}'s database service ${name} is not on the swarm, so its database cannot be reached; deploy ${environment.label} first.`);
  }
  const running = (await serviceTasks(manager, [name], { desiredRunning: true })).filter((t) => t.Status?.State === 'running');
  if (running.length === 0) {
    const { why, remedy } = noRunningTaskReason(name, await serviceTasks(manager, [name]), await swarmNodes(manager));
    throw new SwarmDatabaseError(`${environment.label}'s database service ${name} has no running task: ${why}, so its database cannot be reached; ${remedy}.`);
  }
  if (running.length > 1) {
    throw new SwarmDatabaseError(`${environment.label}'s database service ${name} runs ${running.length} tasks; a database on Swarm must be a single replica pinned to a node (deploy: replicas: 1 and a placement constraint).`);
  }
  const [task] = running;
  const container = task.Status?.ContainerStatus?.ContainerID;
  const node = await callDocker(manager, () => manager.getNode(task.NodeID!).inspect() as Promise<ApiNode>);
  const hostname = node.Description?.Hostname ?? task.NodeID!;
  const engine = (await nodeEngines(manager, environment, nodeDocker))(node);
  if (!engine) {
    throw new SwarmDatabaseError(`${environment.label}'s database runs on the node ${hostname}, which Dual Env cannot reach from a manager on ${dockerHostOf(environment)}; name the manager by ssh:// in dockerHost so that its nodes are reached the same way.`);
  }
  const { dockerHost, docker } = engine;
  const inspected = container ? await callDocker(docker, () => docker.getContainer(container).inspect()).catch(() => undefined) : undefined;
  if (!inspected?.Image) {
    throw new SwarmDatabaseError(`The container of ${name}'s task on ${hostname} was not found on that node's engine (${dockerHost}); try again once docker service ps ${name} shows it running.`);
  }
  return { hostname, dockerHost, docker, image: inspected.Image, taskId: task.ID! };
}

/**
 * Each node of the swarm that holds one of `volumes` (the database's volumes as the
 * stack names them), said as "<volume> on <hostname>"; every node is asked, and one
 * Dual Env cannot reach or that does not answer is a refusal in one sentence: a
 * volume left there would hold data no backup accounts for.
 */
export async function volumesOnNodes(
  manager: Docker,
  environment: Environment & { swarm: { stack: string } },
  volumes: string[],
  nodeDocker: (dockerHost: string) => Docker = (dockerHost) => dockerClientFor({ dockerHost }),
): Promise<string[]> {
  if (volumes.length === 0) return [];
  const engineOf = await nodeEngines(manager, environment, nodeDocker);
  const nodes = await swarmNodes(manager);
  const found: string[] = [];
  for (const node of nodes) {
    const hostname = node.Description?.Hostname ?? node.ID ?? 'unknown';
    const unreachable = (why: string) => new SwarmDatabaseError(`${environment.label}'s database is not on the swarm yet, and the node ${hostname} could not be asked whether it keeps the database's volume from before (${why}), so no backup could account for it; bring the node back or remove it from the swarm, then deploy again.`);
    const engine = engineOf(node);
    if (!engine) throw unreachable(`nothing says how to reach it from a manager on ${dockerHostOf(environment)}`);
    const { docker } = engine;
    const listed = await callDocker(docker, () => docker.listVolumes()).catch((error: unknown) => {
      throw unreachable(error instanceof Error ? error.message.replace(/[.\s]+$/, '') : String(error));
    }) as { Volumes?: Array<{ Name: string }> | null };
    for (const volume of listed.Volumes ?? []) if (volumes.includes(volume.Name)) found.push(`${volume.Name} on ${hostname}`);
  }
  return found;
}

/**
 * How this machine reaches each node's engine: the environment's own dockerHost (and its
 * client) for the manager it names, else the manager's scheme, user and port at the node's
 * address; undefined for a node nothing says how to reach.
 */
async function nodeEngines(
  manager: Docker,
  environment: Environment,
  nodeDocker: (dockerHost: string) => Docker,
): Promise<(node: ApiNode) => { dockerHost: string; docker: Docker } | undefined> {
  const managerHost = dockerHostOf(environment);
  const self = await managerNodeId(manager);
  return (node) => {
    if (node.ID === self) return { dockerHost: managerHost, docker: manager };
    const dockerHost = node.Status?.Addr && nodeDockerHost(managerHost, node.Status.Addr);
    return dockerHost ? { dockerHost, docker: nodeDocker(dockerHost) } : undefined;
  };
}
