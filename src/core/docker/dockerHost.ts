// Which Docker host an environment uses, with no dependency on dockerode, so that the
// extension can name the host (Open in Browser) without loading the engine bundle.
import type { Environment } from '../config/model';

/**
 * The Docker host an environment talks to: its own `dockerHost`, else DOCKER_HOST,
 * else the local socket. The machine-wide docker context is never read or switched.
 */
export function dockerHostOf(environment: Pick<Environment, 'dockerHost'>, env: NodeJS.ProcessEnv = process.env): string {
  return environment.dockerHost || env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

/**
 * Whether an environment's engine is somewhere other than this machine's own socket
 * (ssh://, tcp://): then its lock and deploy history live on that engine, shared by
 * everyone who deploys there, since no file on this machine is seen by the others.
 */
export function isRemoteEngine(environment: Pick<Environment, 'dockerHost'>, env: NodeJS.ProcessEnv = process.env): boolean {
  const host = dockerHostOf(environment, env);
  return !host.startsWith('unix://') && !host.startsWith('npipe://');
}

/** What machineOf calls this machine: the local socket and every loopback address. */
export const THIS_MACHINE = 'this machine';

const LOOPBACK = /^(localhost|.*\.localhost|127(\.\d{1,3}){3}|::1|0\.0\.0\.0|::)$/;

/** Whether a host name or address means "the machine it is read on" (`localhost`, `127.0.0.1`, `::1`, …). */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host.toLowerCase().replace(/^\[(.*)\]$/, '$1'));
}

/**
 * The machine an engine address reaches, as far as the address alone can tell, for
 * the isolation check: two engines on one machine share its host ports (two dockerds
 * on one host do), so it asks "same machine?", not "same engine?".
 *
 * The address is all it compares, and it errs towards "the same machine": the user
 * and the port are dropped (`ssh://prod`, `ssh://deploy@PROD:22` and `tcp://prod:2376`
 * are one machine), the host name is compared without case or a trailing dot, and
 * every socket and loopback address (`ssh://localhost` too) is this machine. What it
 * cannot see: two names for one server (an ~/.ssh/config alias and its HostName, a
 * DNS name and its IP) look like two machines.
 */
export function machineOf(dockerHost: string): string {
  const address = dockerHost.trim();
  if (/^(unix|npipe):\/\//i.test(address)) return THIS_MACHINE;
  let host: string;
  try {
    host = new URL(address).hostname;
  } catch {
    return address.toLowerCase();
  }
  host = host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (!host) return address.toLowerCase();
  return isLoopbackHost(host) ? THIS_MACHINE : host;
}

/** The machine an environment's engine runs on (machineOf its effective Docker host). */
export function machineOfEnvironment(environment: Pick<Environment, 'dockerHost'>, env: NodeJS.ProcessEnv = process.env): string {
  return machineOf(dockerHostOf(environment, env));
}
