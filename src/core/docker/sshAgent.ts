import http from 'node:http';
import type { Duplex } from 'node:stream';
import { spawnSshProcess } from './sshProcess';
import { SshFailure, sshBaseArguments, sshFailureSentence, type SshTarget } from './sshTarget';

export type { SshTarget } from './sshTarget';

/**
 * How long a connection with no request stays open for the next one. Short, because a
 * link that dies silently while idle is only noticed by ssh's keep-alives (up to 45 s):
 * a request sent within this window on such a link waits for them, as any request in
 * flight would. Long enough for the calls of one operation or one refresh to share it.
 */
export const IDLE_CONNECTION_MS = 10_000;

/** Idle connections kept after a burst of parallel calls; more are closed as they free up. */
const MAX_IDLE_CONNECTIONS = 4;

/**
 * Arguments of the system ssh that reaches a remote engine the way the docker CLI
 * does (`docker system dial-stdio`). BatchMode makes ssh fail at once where it would
 * ask for a password, a passphrase or to trust a new host key; nothing can hang.
 */
export function sshArguments(target: SshTarget): string[] {
  return [
    ...sshBaseArguments(target),
    '-T',
    '--', target.host,
    'docker', 'system', 'dial-stdio',
  ];
}

/**
 * An HTTP agent whose every connection is an ssh process speaking to the remote
 * engine, kept alive between requests: an SSH handshake and a `docker` process on
 * the server cost about 0.3 s on an idle rig and seconds on a loaded one, per call.
 * Sequential calls share one connection; parallel ones, the event stream and
 * exec/attach (whose upgraded connection leaves the pool) get their own. A connection
 * whose ssh has exited leaves the pool at once, so the next call opens a new one.
 * See docs/design/remote-environments.md for why not OpenSSH's ControlMaster.
 */
export function sshAgent(target: SshTarget): http.Agent {
  return new SshEngineAgent(target);
}

/**
 * How many calls a burst (a first status load's inspects) should run at once on
 * `docker`: on an SSH engine each parallel call beyond the pooled connections costs a
 * login on the server, and the round trip, not the server, is what a call waits for.
 */
export function parallelCallsOn(docker: { modem?: unknown }, local = 8): number {
  return (docker.modem as { agent?: unknown } | undefined)?.agent instanceof SshEngineAgent ? PARALLEL_SSH_CALLS : local;
}

const PARALLEL_SSH_CALLS = 2;

class SshEngineAgent extends http.Agent {
  private readonly idleTimers = new WeakMap<Duplex, NodeJS.Timeout>();

  constructor(private readonly target: SshTarget) {
    super({ keepAlive: true, maxFreeSockets: MAX_IDLE_CONNECTIONS });
  }

  override createConnection(): Duplex {
    const socket = sshConnection(this.target, (s) => this.idleTimers.has(s));
    socket.once('close', () => this.clearIdle(socket));
    return socket;
  }

  override keepSocketAlive(socket: Duplex): boolean {
    // Node's own check first (it unrefs the socket, so an idle connection never keeps a CLI alive)
    const kept = (http.Agent.prototype as unknown as { keepSocketAlive(s: Duplex): boolean }).keepSocketAlive.call(this, socket);
    if (kept) {
      this.clearIdle(socket);
      this.idleTimers.set(socket, setTimeout(() => socket.destroy(), IDLE_CONNECTION_MS).unref());
    }
    return kept;
  }

  override reuseSocket(socket: Duplex, request: http.ClientRequest): void {
    this.clearIdle(socket);
    super.reuseSocket(socket, request);
  }

  private clearIdle(socket: Duplex): void {
    clearTimeout(this.idleTimers.get(socket));
    this.idleTimers.delete(socket);
  }
}

/** One `ssh … docker system dial-stdio`; `isIdle` says whether the agent holds it between requests. */
function sshConnection(target: SshTarget, isIdle: (socket: Duplex) => boolean): Duplex {
  const { child, stream: socket, stderr } = spawnSshProcess(sshArguments(target));
  let sawData = false;
  child.stdout.once('data', () => { sawData = true; });
  child.on('error', (error) => socket.destroy(error));
  child.on('close', (code, signal) => {
    if (code !== 0 && !sawData) {
      const sentence = sshFailureSentence(stderr(), target);
      const ended = signal ? `the SSH connection to ${target.host} was cut (ssh ended by ${signal})` : `ssh exited with code ${code}`;
      socket.destroy(new SshFailure(sentence ?? stderr().trim().split('\n').filter(Boolean).at(-1) ?? ended, sentence !== undefined));
    } else if (isIdle(socket)) {
      // nobody reads an idle connection, so its end would never be seen: close it, and the agent drops it
      socket.destroy();
    } else {
      // a reader (a response, an exec's stream) first gets the end of what ssh delivered, then the close
      socket.once('end', () => socket.destroy());
      socket.push(null);
    }
  });
  return socket;
}
