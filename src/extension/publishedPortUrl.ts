// Where a container's published port is reachable from this machine. Pure: unit-tested under Node.
import { l10n } from './l10n';
import type { ContainerPort } from './model';

const ANY_ADDRESS = new Set(['', '0.0.0.0', '::']);
const LOOPBACK = /^(localhost|127(\.\d+){3}|::1)$/i;

/**
 * The machine whose ports the engine at `dockerHost` publishes: the server of a
 * tcp:// or ssh:// address, undefined for a local socket or a loopback address.
 */
export function engineMachine(dockerHost: string): string | undefined {
  let url: URL;
  try {
    url = new URL(dockerHost.includes('://') ? dockerHost : `tcp://${dockerHost}`);
  } catch {
    throw new Error(l10n.t('The Docker host "{0}" is not a valid address, so the machine its ports are on is unknown.', dockerHost));
  }
  if (!['tcp:', 'ssh:', 'http:', 'https:'].includes(url.protocol)) return undefined;
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return LOOPBACK.test(hostname) ? undefined : hostname;
}

/**
 * The http URL of a published port. Docker publishes it on the engine's machine, so
 * for ssh://user@server or tcp://server it is that server's, not 127.0.0.1.
 */
export function publishedPortUrl(port: Pick<ContainerPort, 'hostIp' | 'hostPort'>, dockerHost: string): string {
  const machine = engineMachine(dockerHost);
  const hostIp = port.hostIp ?? '';
  let host: string;
  if (ANY_ADDRESS.has(hostIp)) host = machine ?? '127.0.0.1';
  else if (machine && LOOPBACK.test(hostIp)) {
    throw new Error(l10n.t('Port {0} is published only on the loopback address of {1}, so it cannot be opened from here; forward it to this machine (ssh -L) first.', port.hostPort, machine));
  } else host = hostIp;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port.hostPort}/`;
}
