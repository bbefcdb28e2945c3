// Where an ssh:// engine lives and what the system ssh said when reaching it failed:
// shared by the Docker connection (sshAgent) and the database route (sshStream), so
// both take the same route and fail with the same sentences.
import type { Environment } from '../config/model';
import { dockerHostOf } from './dockerHost';

export interface SshTarget {
  user?: string;
  host: string;
  port?: number;
  connectTimeoutSeconds: number;
}

/** How long reaching the server may take before it counts as unreachable. */
export const SSH_CONNECT_TIMEOUT_SECONDS = 10;

export class InvalidSshTargetError extends Error {}

/** ssh gave up; `message` is one sentence for people (sshFailureSentence) when the cause is known. */
export class SshFailure extends Error {
  constructor(message: string, readonly known: boolean) {
    super(message);
  }
}

/**
 * The target of an `ssh://[user@]host[:port]` address. A host or user starting with
 * `-` would be read by ssh as an option, so it is refused rather than passed on.
 */
export function parseSshTarget(address: string, connectTimeoutSeconds = SSH_CONNECT_TIMEOUT_SECONDS): SshTarget {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new InvalidSshTargetError(`The Docker host "${address}" is not a valid ssh:// address; write it as ssh://user@host or ssh://host-alias.`);
  }
  if (url.protocol !== 'ssh:') throw new InvalidSshTargetError(`The Docker host "${address}" is not an ssh:// address.`);
  const user = decodeURIComponent(url.username) || undefined;
  const host = url.hostname;
  if (!host || host.startsWith('-') || user?.startsWith('-')) {
    throw new InvalidSshTargetError(`The Docker host "${address}" names no usable host or user (they cannot be empty or start with "-"); fix dockerHost.`);
  }
  return { user, host, port: url.port ? Number(url.port) : undefined, connectTimeoutSeconds };
}

/** The ssh target of an environment whose engine is reached over ssh://; none for a local or TCP engine. */
export function sshTargetOf(environment: Pick<Environment, 'dockerHost'>, env: NodeJS.ProcessEnv = process.env): SshTarget | undefined {
  const host = dockerHostOf(environment, env);
  return host.startsWith('ssh://') ? parseSshTarget(host) : undefined;
}

/** `user@host` with the port, as a person would type it after `ssh`. */
export function sshDestination(target: SshTarget): string {
  return `${target.port ? `-p ${target.port} ` : ''}${target.user ? `${target.user}@` : ''}${target.host}`;
}

/** The options every ssh the engine starts gets: never a prompt, a bounded connect, a dead link noticed. */
export function sshBaseArguments(target: SshTarget): string[] {
  return [
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${target.connectTimeoutSeconds}`,
    '-o', 'ServerAliveInterval=15',
    '-o', 'ServerAliveCountMax=3',
    ...(target.port ? ['-p', String(target.port)] : []),
    ...(target.user ? ['-l', target.user] : []),
  ];
}

/**
 * One sentence for what ssh's stderr says went wrong on the way to `target`, or
 * undefined when it is none of the known failures. `forwarded` names what a
 * forwarding (`-W`) was opening on the server, for "connect failed".
 */
export function sshFailureSentence(stderr: string, target: SshTarget, forwarded?: string): string | undefined {
  const destination = sshDestination(target);
  if (/Host key verification failed|No \S+ host key is known|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(stderr)) {
    if (/REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(stderr)) {
      return `The SSH host key of ${target.host} has changed since it was trusted; if the server was really reinstalled, remove the old key with \`ssh-keygen -R ${target.host}\` and trust the new one, otherwise do not connect.`;
    }
    return `The SSH host key of ${target.host} is not trusted yet (Dual Env never asks); check its fingerprint with the server's admin, then trust it with \`ssh -o StrictHostKeyChecking=accept-new ${destination} true\` and try again.`;
  }
  if (/Permission denied/i.test(stderr)) {
    return `The SSH server ${target.host} refused the login (permission denied): put your public key in the server's authorized_keys or load it into ssh-agent, since Dual Env never types a password or passphrase.`;
  }
  if (/Could not resolve hostname/i.test(stderr)) {
    return `The SSH host ${target.host} is unknown (its name does not resolve); fix the host in dockerHost or add it to ~/.ssh/config.`;
  }
  if (/port \d+: Connection refused/i.test(stderr)) {
    return `Nothing accepts SSH connections at ${target.host}${target.port ? ` port ${target.port}` : ''} (connection refused); check that sshd runs there and the port is right.`;
  }
  if (/No route to host|Network is unreachable|Connection timed out|Operation timed out|Connection closed by|Connection reset/i.test(stderr)) {
    return `The server ${target.host} cannot be reached over SSH (${stderr.trim().split('\n').filter(Boolean).at(-1)}); check the network, VPN or the host in dockerHost.`;
  }
  if (/open failed|stdio forwarding failed|administratively prohibited/i.test(stderr)) {
    return /prohibited/i.test(stderr)
      ? `The SSH server ${target.host} does not allow forwarding to ${forwarded ?? 'the database'}; set AllowTcpForwarding yes in its sshd_config.`
      : `Nothing listens at ${forwarded ?? 'the forwarded address'} on ${target.host}; check that the database container runs there and publishes that port.`;
  }
  if (/Cannot connect to the Docker daemon|Is the docker daemon running|raw stream connection|dial unix \S*docker\.sock|docker: (command )?not found/i.test(stderr)) {
    return `Docker is not running on ${target.host} (ssh logs in, but the server's engine does not answer); start it there, e.g. \`sudo systemctl start docker\`.`;
  }
  return undefined;
}
