// The stack file a Swarm deploy hands to `docker stack deploy`, rendered from the
// project's own compose file: only the environment's services, each built one
// pointing at the image pushed for this release, and every service's `deploy:` kept
// with a safe rolling update filled in where the file says nothing. Pure: the
// operation reads the file and writes the result.
import { parse, stringify } from 'yaml';

/** How Swarm replaces a service's tasks: the new one beside the old, or the old one stopped first. */
export type UpdateOrder = 'start-first' | 'stop-first';

export interface SwarmServicePlan {
  service: string;
  /** Built from the release and pushed; otherwise its image is the file's, left as it is. */
  built: boolean;
  /** Replicas the file asks for (1 when it says nothing), or `global`: one task on each eligible node. */
  replicas: number | 'global';
  order: UpdateOrder;
  /** Why the order is what it is, when it is not plain start-first. */
  why?: string;
}

/** Health-check timing in seconds (the compose file's or the built image's), to watch a new task for long enough. */
export interface HealthTiming {
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  startPeriodSeconds: number;
}

type Mapping = Record<string, unknown>;
const isMapping = (value: unknown): value is Mapping => typeof value === 'object' && value !== null && !Array.isArray(value);
const mapping = (value: unknown): Mapping => (isMapping(value) ? value : {});

/** The compose file as a document; only its mapping shape is relied on (loadConfig has checked the rest). */
export function readComposeDocument(text: string): Mapping {
  return mapping(parse(text, { merge: true }));
}

/** A published port in host mode binds the node's own port: a second task of the service cannot run on that node. */
function hostModePort(service: Mapping): string | undefined {
  const ports = Array.isArray(service.ports) ? service.ports : [];
  const host = ports.find((port) => isMapping(port) && port.mode === 'host');
  return isMapping(host) ? String(host.published ?? host.target) : undefined;
}

/**
 * Each of the environment's services as the deploy will update it. start-first keeps
 * the old task serving until the new one is healthy; it cannot where the node would
 * have to run two tasks of the service and may not: a host-mode port (the node's
 * port is taken by the old task) or `max_replicas_per_node` (no node may take one more).
 * An order the file sets is kept; the plan says so. The environment's `database` is
 * always stop-first: a new task beside the old one would open the same data directory
 * in the same volume with a second server.
 */
export function planStackServices(document: Mapping, services: readonly string[], built: readonly string[], database?: string): SwarmServicePlan[] {
  const all = mapping(document.services);
  return services.map((name) => {
    const service = mapping(all[name]);
    const deploy = mapping(service.deploy);
    const replicas = deploy.mode === 'global' ? 'global' : typeof deploy.replicas === 'number' ? deploy.replicas : 1;
    const plan = { service: name, built: built.includes(name), replicas } as const;
    if (name === database) return { ...plan, order: 'stop-first', why: 'it is the database: a second server must never open its volume beside the first' };
    const fileOrder = mapping(deploy.update_config).order;
    if (fileOrder === 'start-first' || fileOrder === 'stop-first') return { ...plan, order: fileOrder, why: 'as its update_config says' };
    const port = hostModePort(service);
    if (port) return { ...plan, order: 'stop-first', why: `it publishes port ${port} in host mode, so a node cannot run its old and new task at once` };
    const perNode = mapping(deploy.placement).max_replicas_per_node;
    if (perNode !== undefined) return { ...plan, order: 'stop-first', why: `max_replicas_per_node ${String(perNode)} lets no node take a new task beside the old one` };
    return { ...plan, order: 'start-first' };
  });
}

/** The longest update monitor Dual Env sets: see monitorSeconds. */
export const MONITOR_CAP_SECONDS = 120;

/**
 * Long enough for a new task to pass, or fail, its health check: start period plus every
 * retry's interval and timeout, at most MONITOR_CAP_SECONDS. Swarm watches the last task
 * for a whole monitor window before it calls an update completed, and a health check with
 * many retries (a database's, which allow for its first initialisation: 90 × 7 s) would
 * keep every update of that service waiting ten minutes, past the deploy's health timeout,
 * for a judgement the task's first healthy report (Swarm says `running` only after it)
 * already gave.
 */
export function monitorSeconds(health: HealthTiming | undefined): number {
  if (!health) return 10;
  const window = Math.ceil(health.startPeriodSeconds + (health.intervalSeconds + health.timeoutSeconds) * (health.retries + 1));
  return Math.min(MONITOR_CAP_SECONDS, Math.max(10, window));
}

/** Go duration strings as compose files write them (`1m30s`, `500ms`, `2s`), in seconds; undefined when unreadable. */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001, µs: 0.000001, ns: 0.000000001 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) return undefined;
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * units[unit], 0);
}

/** The compose file's own healthcheck of a service, when it sets one (Docker's defaults for what it leaves out). */
export function composeHealthTiming(document: Mapping, service: string): HealthTiming | undefined {
  const check = mapping(mapping(mapping(document.services)[service]).healthcheck);
  if (Object.keys(check).length === 0 || check.disable === true) return undefined;
  return {
    intervalSeconds: durationSeconds(check.interval) ?? 30,
    timeoutSeconds: durationSeconds(check.timeout) ?? 30,
    retries: typeof check.retries === 'number' ? check.retries : 3,
    startPeriodSeconds: durationSeconds(check.start_period) ?? 0,
  };
}

export interface StackRendering {
  /** Service → the image reference pushed for this release (built services only). */
  images: Record<string, string>;
  plan: readonly SwarmServicePlan[];
  /** Service → its health timing, where known. */
  health: Record<string, HealthTiming | undefined>;
}

const stopFirst = (plan: SwarmServicePlan) => (plan.order === 'stop-first' ? { order: 'stop-first' } : {});

/**
 * The stack file: the environment's services only; `build:` dropped and `image:`
 * replaced for the built ones; `deploy:` kept, with update_config and rollback_config
 * keys the file leaves out filled in (one task at a time, the planned order, a failed
 * update rolled back by Swarm itself, watched as long as the health check needs).
 */
export function renderStackFile(document: Mapping, rendering: StackRendering): string {
  const all = mapping(document.services);
  const services: Mapping = {};
  for (const plan of rendering.plan) {
    const { build: _build, ...service } = mapping(all[plan.service]);
    if (plan.built) service.image = rendering.images[plan.service];
    const deploy = mapping(service.deploy);
    const monitor = `${monitorSeconds(rendering.health[plan.service])}s`;
    service.deploy = {
      ...deploy,
      // a planned stop-first is kept whatever the file says: only the database's plan overrides the file's order
      update_config: { parallelism: 1, order: plan.order, failure_action: 'rollback', monitor, max_failure_ratio: 0, ...mapping(deploy.update_config), ...stopFirst(plan) },
      rollback_config: { parallelism: 1, order: plan.order, failure_action: 'pause', monitor, ...mapping(deploy.rollback_config), ...stopFirst(plan) },
    };
    services[plan.service] = service;
  }
  // x- blocks (x-dual-env) are Dual Env's, not the stack's; networks, volumes, secrets and configs are kept
  const kept = Object.fromEntries(Object.entries(document).filter(([key]) => !key.startsWith('x-') && key !== 'services' && key !== 'version' && key !== 'name'));
  // docker stack deploy reads compose file format 3 (older CLIs refuse a file without one); 3.8 has every key filled in here
  const version = document.version === '3.9' ? '3.9' : '3.8';
  return stringify({ version, services, ...kept });
}
