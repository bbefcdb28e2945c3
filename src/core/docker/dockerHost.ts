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
