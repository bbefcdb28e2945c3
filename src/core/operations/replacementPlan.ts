import type { DualEnvConfig, Environment } from '../config';

/**
 * How a deploy replaces one service: `beside` starts the new container next to the
 * old one and drains the old one once the new one is healthy (no request fails); with
 * `edge`, that edge sends it requests only once it is healthy, without, Docker's DNS
 * names it as soon as it runs. `recreate` stops the old one first, so the service is
 * away until the new one is up.
 */
export type ServiceReplacement =
  | { service: string; how: 'beside'; edge?: string }
  | { service: string; how: 'recreate'; why: string };

/**
 * Which of `services` can run twice for a moment, and for the others the reason in a
 * few words: a fixed container_name or host port is held by one container only, and a
 * singleton (a queue worker, a scheduler) must not run twice even for a moment. With a
 * maintenance window every service is recreated, for a schema change the old version cannot live with.
 */
export function planReplacement(config: DualEnvConfig, environment: Environment, services: readonly string[], maintenanceWindow = false): ServiceReplacement[] {
  return services.map((service): ServiceReplacement => {
    if (maintenanceWindow) return { service, how: 'recreate', why: 'the maintenance window asked for stops the old version first' };
    const compose = config.services.get(service);
    if (compose?.containerName) return { service, how: 'recreate', why: `its fixed container_name ${compose.containerName} can be held by one container only` };
    const hostPorts = (compose?.ports ?? []).filter((port) => port.hostPort > 0).map((port) => port.hostPort);
    if (hostPorts.length > 0) return { service, how: 'recreate', why: `the host port${hostPorts.length > 1 ? 's' : ''} ${hostPorts.join(', ')} it publishes can be held by one container only` };
    if (environment.singletons?.includes(service)) return { service, how: 'recreate', why: 'x-dual-env lists it among the singletons, which must never run twice' };
    return environment.edge?.fronts.includes(service) ? { service, how: 'beside', edge: environment.edge.service } : { service, how: 'beside' };
  });
}

/** The confirmation's lines about replacing the services: without downtime (and when each gets requests), or recreated with the downtime expected. */
export function describeReplacement(replacement: readonly ServiceReplacement[], healthTimeoutSeconds: number, drainSeconds: number): string[] {
  const beside = replacement.filter((r): r is Extract<ServiceReplacement, { how: 'beside' }> => r.how === 'beside');
  const recreated = replacement.filter((r): r is Extract<ServiceReplacement, { how: 'recreate' }> => r.how === 'recreate');
  const whenServed = beside.map((r) => r.edge
    ? `${r.service} gets requests only once healthy (${r.edge} holds them on the old container until then)`
    : `${r.service} gets requests as soon as it runs (no edge fronts it: Docker's DNS names it at once; a refused connection or a 502/503/504 from it is retried on the old one)`);
  return [
    ...(beside.length > 0 ? [`Without downtime: ${beside.map((r) => r.service).join(', ')} start beside the running version; ${whenServed.join('; ')}. Once they are healthy, the old containers get ${drainSeconds} s to finish their requests and go. If a new one is not healthy, it is removed and the old version goes on serving.`] : []),
    ...recreated.map((r) => `Recreated, with downtime: ${r.service} (${r.why}) is stopped before its new container starts: expect it to be away for its start and health check, a few seconds and at most ${healthTimeoutSeconds} s.`),
  ];
}
