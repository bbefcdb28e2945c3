// The edge's live file: one nginx `set` per fronted service, naming where its requests go.
// Pure text, so it can be unit-tested and compared with the file the edge starts with.

/** Where the reference edge (examples/wms/edge) includes the live file from; Dual Env writes it there. */
export const LIVE_FILE_PATH = '/etc/nginx/dual-env-live.conf';

/** A Compose service or container name: what Docker's DNS answers, and nothing nginx would read as syntax. */
const DNS_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The nginx variable the edge proxies a service's requests through: `$dual_env_live_<service>`, non-alphanumerics as `_`. */
export function liveVariableOf(service: string): string {
  return `dual_env_live_${service.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/**
 * The live file routing each service (service → host) to a host: its service name
 * (every container of it, by Docker's DNS) or one container's name (that container only).
 */
export function liveFileFor(routes: ReadonlyMap<string, string>): string {
  const lines = [...routes].map(([service, host]) => {
    if (!DNS_NAME.test(service)) throw new Error(`"${service}" is not a service name the edge can route`);
    if (!DNS_NAME.test(host)) throw new Error(`"${host}" is not a host name the edge can route ${service} to`);
    return `set $${liveVariableOf(service)} ${host};\n`;
  });
  return `# Written by Dual Env: where the edge sends each service's requests (a service name, or one container while a deploy runs).\n${lines.join('')}`;
}

/** Every fronted service routed by its service name: the edge's state when no deploy runs. */
export const byServiceName = (services: readonly string[]): Map<string, string> => new Map(services.map((service) => [service, service]));
