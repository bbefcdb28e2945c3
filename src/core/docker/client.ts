import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import type { Environment } from '../config';
import { DockerUnreachableError } from '../common/errors';
import { dockerHostOf } from './dockerHost';
import { sshAgent } from './sshAgent';
import { InvalidSshTargetError, parseSshTarget, SshFailure, type SshTarget } from './sshTarget';

export { dockerHostOf } from './dockerHost';

/** How long a connection (socket, TCP or SSH) may take before the host counts as unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;

const clients = new Map<string, Docker>();
const hostLabels = new WeakMap<Docker, string>();

/** One cached dockerode client per host, so every environment on the same engine shares it. */
export function dockerClientFor(environment: Pick<Environment, 'dockerHost'>, env: NodeJS.ProcessEnv = process.env): Docker {
  const host = dockerHostOf(environment, env);
  const tls = env.DOCKER_TLS_VERIFY === '1' ? env.DOCKER_CERT_PATH || path.join(os.homedir(), '.docker') : '';
  const key = `${host}|${tls}`;
  let client = clients.get(key);
  if (!client) {
    client = new Docker(modemOptions(host, env));
    hostLabels.set(client, host);
    clients.set(key, client);
  }
  return client;
}

/** The host a client was made for, for messages; `unknown host` for clients made elsewhere. */
export function dockerHostLabel(docker: Docker): string {
  return hostLabels.get(docker) ?? (process.env.DOCKER_HOST || 'unix:///var/run/docker.sock');
}

export function modemOptions(host: string, env: NodeJS.ProcessEnv): Docker.DockerOptions {
  const url = parseHost(host);
  if (url.protocol === 'unix:') return { socketPath: url.pathname || '/var/run/docker.sock' };
  if (url.protocol === 'ssh:') {
    // dockerode's own ssh2 transport ignores ~/.ssh/config; the system ssh with BatchMode
    // honours it and fails at once instead of prompting for a password or a host key.
    // The host name is never resolved (the agent's ssh connects), but VS Code's extension
    // host patches http to route every request to a host other than localhost through its
    // proxy agent, which drops ours and looks the name up (ENOTFOUND docker): localhost keeps it.
    return {
      protocol: 'http', host: 'localhost', port: 80,
      agent: sshAgent(sshTarget(host)),
    } as Docker.DockerOptions;
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const port = Number(url.port || (env.DOCKER_TLS_VERIFY === '1' ? 2376 : 2375));
    const options: Docker.DockerOptions = { protocol: 'http', host: url.hostname, port, connectionTimeout: CONNECT_TIMEOUT_MS } as Docker.DockerOptions;
    if (env.DOCKER_TLS_VERIFY === '1' || url.protocol === 'https:') {
      const certs = env.DOCKER_CERT_PATH || path.join(os.homedir(), '.docker');
      const read = (name: string) => {
        try {
          return fs.readFileSync(path.join(certs, name));
        } catch (error) {
          throw new DockerUnreachableError(`Cannot read ${path.join(certs, name)} for the TLS connection to ${host}; set DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem.`, { cause: error });
        }
      };
      Object.assign(options, { protocol: 'https', ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') });
    }
    return options;
  }
  throw new DockerUnreachableError(`The Docker host ${host} is not a unix://, tcp:// or ssh:// address; fix dockerHost in x-dual-env or DOCKER_HOST.`);
}

function sshTarget(host: string): SshTarget {
  try {
    return parseSshTarget(host, CONNECT_TIMEOUT_MS / 1000);
  } catch (error) {
    if (error instanceof InvalidSshTargetError) throw new DockerUnreachableError(error.message, { cause: error });
    throw error;
  }
}

function parseHost(host: string): URL {
  try {
    return new URL(host.includes('://') ? host : `tcp://${host}`);
  } catch (error) {
    throw new DockerUnreachableError(`The Docker host "${host}" is not a valid address; write it as unix:///path, tcp://host:port or ssh://user@host.`, { cause: error });
  }
}

/** A Docker API answer with an HTTP status (404, 409, …), as opposed to a host that does not answer. */
export function isApiError(error: unknown): error is Error & { statusCode: number } {
  return typeof (error as { statusCode?: unknown })?.statusCode === 'number';
}

/**
 * Turns a failure to reach the engine into one sentence naming the host and what
 * to do; Docker API errors (404, 409, …) pass through unchanged.
 */
export function asDockerError(error: unknown, docker: Docker): unknown {
  if (isApiError(error) || error instanceof DockerUnreachableError || (error as Error)?.name === 'AbortError') return error;
  const host = dockerHostLabel(docker);
  const sshFailure = [error, (error as Error)?.cause].find((e): e is SshFailure => e instanceof SshFailure && e.known);
  if (sshFailure) return new DockerUnreachableError(sshFailure.message, { cause: error });
  const code = (error as NodeJS.ErrnoException)?.code;
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  let advice: string;
  if (host.startsWith('ssh://')) advice = 'check that `ssh -o BatchMode=yes` logs in there with a key (no password, known host key) and that docker runs there';
  else if (code === 'ENOENT') advice = 'start Docker, or point dockerHost in x-dual-env or DOCKER_HOST at a running engine';
  else if (code === 'EACCES') advice = 'add your user to the docker group or run as a user allowed to use the socket';
  else advice = 'start the engine there, or fix dockerHost in x-dual-env or DOCKER_HOST';
  return new DockerUnreachableError(`The Docker engine at ${host} does not answer (${detail}); ${advice}.`, { cause: error });
}

/** Runs a Docker call and rethrows a connection failure as a DockerUnreachableError. */
export async function callDocker<T>(docker: Docker, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asDockerError(error, docker);
  }
}
