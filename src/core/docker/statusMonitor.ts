import type Docker from 'dockerode';
import { errorMessage } from '../common/errors';
import { secretsOf, type DualEnvConfig, type Environment } from '../config';
import { asDockerError, dockerClientFor, dockerHostLabel } from './client';
import {
  PROJECT_LABEL, inspectContainers, readProjectContainers, serviceOf, summarise, unknownStatus,
  type ContainerStatus, type EnvironmentStatus,
} from './discovery';
import { STATUS_ACTIONS, containerIdOf, openContainerEvents, type DockerEvent } from './eventStream';
import { followEngine } from './followEngine';
import { SwarmWatch } from '../swarm/swarmWatch';

export type StatusListener = (snapshot: EnvironmentStatus[]) => void;

export interface StatusMonitor {
  /** Syncs with one list call per host, then follows Docker's events. */
  start(): void;
  /** The status of every environment, in the compose file's order. */
  snapshot(): EnvironmentStatus[];
  /** Called with the new snapshot whenever it changes; returns the unsubscribe function. */
  subscribe(listener: StatusListener): () => void;
  dispose(): void;
}

export interface StatusMonitorDeps {
  config: DualEnvConfig;
  dockerFor?: (environment: Environment) => Docker;
  /** Events closer together than this are applied at once (a deploy emits dozens). */
  coalesceMs?: number;
  /** Reconnect delays after the stream breaks: doubling from `initialMs` up to `maxMs`, forever. */
  backoff?: { initialMs: number; maxMs: number };
  /** Diagnostics (reconnects), for an output channel or --debug. */
  log?: (line: string) => void;
}

/** The delay before reconnect attempt `attempt` (0-based): exponential with ±20 % jitter, capped. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Live status of every environment without polling: one list call to sync, then
 * Docker's event stream filtered to the project; bursts are coalesced and only the
 * containers named in the events are inspected again. When the stream breaks it
 * reconnects with backoff forever and resyncs; meanwhile the snapshot says
 * `unknown` with the reason.
 */
export function createStatusMonitor(deps: StatusMonitorDeps): StatusMonitor {
  const dockerFor = deps.dockerFor ?? ((environment: Environment) => dockerClientFor(environment));
  const hosts = new Map<Docker, HostWatch>();
  /** A Swarm environment follows its stack on its manager (and nodes), not containers by compose labels. */
  const swarms = new Map<Environment, SwarmWatch>();
  const listeners = new Set<StatusListener>();
  let lastEmitted = '';

  const snapshot = () => deps.config.environments.map((environment) => {
    const swarm = swarms.get(environment);
    if (swarm) return swarm.statusOf();
    const host = hosts.get(dockerFor(environment));
    return host ? host.statusOf(environment) : unknownStatus(environment, 'Not started.');
  });
  const changed = () => {
    const current = snapshot();
    const text = JSON.stringify(current);
    if (text === lastEmitted) return;
    lastEmitted = text;
    for (const listener of [...listeners]) listener(current);
  };

  const { initialMs, maxMs } = deps.backoff ?? { initialMs: 250, maxMs: 10_000 };
  for (const environment of deps.config.environments.filter((e) => e.swarm)) {
    swarms.set(environment, new SwarmWatch({
      docker: dockerFor(environment), environment, secrets: secretsOf(deps.config), coalesceMs: deps.coalesceMs ?? 150,
      retryDelay: (attempt) => backoffDelay(attempt, initialMs, maxMs), log: deps.log, changed: () => changed(),
    }));
  }
  for (const environment of deps.config.environments.filter((e) => !e.swarm)) {
    const docker = dockerFor(environment);
    let host = hosts.get(docker);
    if (!host) {
      host = new HostWatch(docker, deps, changed);
      hosts.set(docker, host);
    }
    host.environments.push(environment);
  }

  let started = false;
  return {
    start() {
      if (started) return;
      started = true;
      for (const host of hosts.values()) void host.run();
      for (const swarm of swarms.values()) void swarm.run();
    },
    snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      listeners.clear();
      for (const host of hosts.values()) host.dispose();
      for (const swarm of swarms.values()) swarm.dispose();
    },
  };
}

/** One Docker host: its event stream, its containers, and whether it answers. */
class HostWatch {
  readonly environments: Environment[] = [];
  private readonly containers = new Map<string, ContainerStatus>();
  private unreachable: string | undefined;
  private synced = false;
  private readonly pending = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  /** Applies refreshes one at a time, and never before the resync that precedes them. */
  private queue: Promise<void> = Promise.resolve();
  private readonly disposed = new AbortController();
  /** Kept out of the probe output the status shows. */
  private readonly secrets: readonly string[];

  constructor(
    private readonly docker: Docker,
    private readonly deps: StatusMonitorDeps,
    private readonly changed: () => void,
  ) {
    this.secrets = secretsOf(deps.config);
  }

  statusOf(environment: Environment): EnvironmentStatus {
    const own = [...this.containers.values()].filter((c) => environment.services.includes(c.service));
    own.sort((a, b) => environment.services.indexOf(a.service) - environment.services.indexOf(b.service) || (a.name ?? '').localeCompare(b.name ?? ''));
    if (this.unreachable) return unknownStatus(environment, this.unreachable, own);
    if (!this.synced) return unknownStatus(environment, `Reading container status from ${dockerHostLabel(this.docker)}.`);
    return summarise(environment, own);
  }

  private get services(): Set<string> {
    return new Set(this.environments.flatMap((e) => e.services));
  }

  async run(): Promise<void> {
    const { initialMs, maxMs } = this.deps.backoff ?? { initialMs: 250, maxMs: 10_000 };
    await followEngine({
      docker: this.docker,
      disposed: this.disposed.signal,
      session: async (connection) => {
        const events = await openContainerEvents(this.docker, [`${PROJECT_LABEL}=${this.deps.config.projectName}`], STATUS_ACTIONS, (event) => this.onEvent(event), connection);
        await this.enqueue(() => this.resync());
        return { ended: events.ended };
      },
      retryDelay: (attempt) => backoffDelay(attempt, initialMs, maxMs),
      lost: (why) => this.markUnreachable(why),
      log: this.deps.log,
    });
  }

  dispose(): void {
    clearTimeout(this.flushTimer);
    this.disposed.abort();
  }

  private markUnreachable(reason: string): void {
    this.unreachable = reason;
    this.pending.clear();
    this.changed();
  }

  private async resync(): Promise<void> {
    const services = this.services;
    const all = await readProjectContainers(this.docker, this.deps.config.projectName, [...services], this.secrets);
    this.containers.clear();
    for (const container of all) if (container.containerId) this.containers.set(container.containerId, container);
    this.synced = true;
    this.unreachable = undefined;
    this.changed();
  }

  private onEvent(event: DockerEvent): void {
    const id = containerIdOf(event);
    const service = serviceOf(event.Actor?.Attributes);
    if (!id || !service || !this.services.has(service)) return;
    this.pending.add(id);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.enqueue(() => this.refresh());
    }, this.deps.coalesceMs ?? 150);
  }

  /** Inspects only the containers named by the coalesced events. */
  private async refresh(): Promise<void> {
    const ids = [...this.pending];
    this.pending.clear();
    if (ids.length === 0 || this.unreachable) return;
    const fresh = await inspectContainers(this.docker, ids, this.secrets);
    for (const [id, status] of fresh) {
      if (status) this.containers.set(id, status);
      else this.containers.delete(id);
    }
    this.changed();
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    // a failed refresh is logged; the stream's end or the next event recovers it
    this.queue = run.catch((error: unknown) => this.deps.log?.(errorMessage(asDockerError(error, this.docker))));
    return run;
  }
}
