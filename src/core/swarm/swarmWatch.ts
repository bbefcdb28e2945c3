// Live status of a Swarm environment without polling. The Engine API has no task
// events: a manager reports service and node changes, and each node's engine
// reports its own tasks' containers. So the watch follows the manager's service
// and node events plus, on every node it can reach, the stack's container events;
// each burst of events leads to one read of the stack on the manager, which is the
// truth (states, errors, desired replicas). A node it cannot reach is only logged:
// its tasks' changes then show with the next event from elsewhere.
import type Docker from 'dockerode';
import { errorMessage } from '../common/errors';
import type { Environment } from '../config/model';
import { asDockerError, dockerClientFor, dockerHostLabel } from '../docker/client';
import type { EnvironmentStatus } from '../docker/discovery';
import { STATUS_ACTIONS, openContainerEvents, openDockerEvents, type EventSubscription } from '../docker/eventStream';
import { followEngine } from '../docker/followEngine';
import { sleep } from '../docker/sleep';
import { nodeDockerHost } from './nodeHosts';
import { STACK_LABEL, readSwarm, summariseSwarm, swarmStatusOf, type SwarmReading } from './swarmStatus';

export interface SwarmWatchDeps {
  /** The manager's engine. */
  docker: Docker;
  environment: Environment;
  secrets: readonly string[];
  /** The engine of a node at `address`; absent: reached as the manager is (nodeDockerHost). */
  nodeDocker?: (address: string) => Docker | undefined;
  /** Events closer together than this lead to one read. */
  coalesceMs: number;
  /** The delay before reconnect attempt `attempt` (0-based). */
  retryDelay: (attempt: number) => number;
  log?: (line: string) => void;
  /** Called whenever statusOf may answer something new. */
  changed: () => void;
}

export class SwarmWatch {
  private reading: SwarmReading | undefined;
  private unreachable: string | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly disposed = new AbortController();
  /** The node streams running, by node id. */
  private readonly followed = new Map<string, AbortController>();
  private managerNodeId = '';

  constructor(private readonly deps: SwarmWatchDeps) {}

  private get stack(): string {
    return this.deps.environment.swarm?.stack ?? '';
  }

  statusOf(): EnvironmentStatus {
    const environment = this.deps.environment;
    const status = this.reading ? summariseSwarm(environment, swarmStatusOf(this.stack, this.reading, this.deps.secrets)) : undefined;
    if (this.unreachable) return { environment: environment.name, health: 'unknown', reason: this.unreachable, containers: status?.containers ?? [], swarm: status?.swarm };
    if (!status) return { environment: environment.name, health: 'unknown', reason: `Reading the stack ${this.stack} from ${dockerHostLabel(this.deps.docker)}.`, containers: [] };
    return status;
  }

  /** Follows the manager until disposed, reconnecting with backoff; node streams start and stop with the nodes read. */
  async run(): Promise<void> {
    const { docker } = this.deps;
    await followEngine({
      docker,
      disposed: this.disposed.signal,
      what: 'the Swarm manager ',
      session: async (connection) => {
        const swarmEvents = await openDockerEvents(docker, { type: ['service', 'node'] }, () => this.schedule(), connection);
        const ownTasks = await this.containerEvents(docker, connection);
        this.managerNodeId = ((await docker.info()) as { Swarm?: { NodeID?: string } }).Swarm?.NodeID ?? '';
        await this.enqueue(() => this.read());
        return { ended: Promise.race([swarmEvents.ended, ownTasks.ended]) };
      },
      retryDelay: this.deps.retryDelay,
      lost: (why) => {
        this.unreachable = why;
        this.deps.changed();
      },
      log: this.deps.log,
    });
  }

  dispose(): void {
    clearTimeout(this.flushTimer);
    this.disposed.abort();
    for (const follow of this.followed.values()) follow.abort();
    this.followed.clear();
  }

  private containerEvents(docker: Docker, signal: AbortSignal): Promise<EventSubscription> {
    return openContainerEvents(docker, [`${STACK_LABEL}=${this.stack}`], STATUS_ACTIONS, () => this.schedule(), signal);
  }

  private schedule(): void {
    if (this.flushTimer || this.disposed.signal.aborted) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.enqueue(() => this.read());
    }, this.deps.coalesceMs);
  }

  private async read(): Promise<void> {
    this.reading = await readSwarm(this.deps.docker, this.stack);
    this.unreachable = undefined;
    this.followNodes(this.reading);
    this.deps.changed();
  }

  /** A container event stream per node other than the manager (whose own stream runs with the manager's). */
  private followNodes(reading: SwarmReading): void {
    const current = new Set(reading.nodes.map((n) => n.id));
    for (const [id, follow] of this.followed) {
      if (!current.has(id)) {
        follow.abort();
        this.followed.delete(id);
      }
    }
    for (const node of reading.nodes) {
      if (node.id === this.managerNodeId || this.followed.has(node.id) || !node.address) continue;
      const docker = this.nodeEngine(node.address);
      if (!docker) continue;
      const follow = new AbortController();
      this.followed.set(node.id, follow);
      void this.followNode(node.hostname, docker, follow.signal);
    }
  }

  private nodeEngine(address: string): Docker | undefined {
    if (this.deps.nodeDocker) return this.deps.nodeDocker(address);
    const host = nodeDockerHost(dockerHostLabel(this.deps.docker), address);
    return host ? dockerClientFor({ dockerHost: host }) : undefined;
  }

  /** One node's stream, reconnecting with backoff while the node is in the swarm; each (re)connect reads the stack again. */
  private async followNode(hostname: string, docker: Docker, signal: AbortSignal): Promise<void> {
    const stopped = () => signal.aborted || this.disposed.signal.aborted;
    let attempt = 0;
    while (!stopped()) {
      try {
        const events = await this.containerEvents(docker, signal);
        if (attempt > 0) this.schedule();
        attempt = 0;
        await events.ended;
      } catch (error) {
        if (stopped()) return;
        this.deps.log?.(`Swarm node ${hostname}: ${errorMessage(asDockerError(error, docker))} Its tasks' changes show with the manager's next event until it answers.`);
      }
      if (stopped()) return;
      await sleep(this.deps.retryDelay(attempt++), signal);
    }
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch((error: unknown) => this.deps.log?.(errorMessage(asDockerError(error, this.deps.docker))));
    return run;
  }
}
