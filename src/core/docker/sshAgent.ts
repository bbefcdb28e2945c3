import { spawn } from 'node:child_process';
import http from 'node:http';
import { Duplex } from 'node:stream';
import { OWN_PROCESS_GROUP } from '../common/process';
import { SshFailure, sshBaseArguments, sshFailureSentence, type SshTarget } from './sshTarget';

export type { SshTarget } from './sshTarget';

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

/** An HTTP agent whose every connection is an ssh process speaking to the remote engine. */
export function sshAgent(target: SshTarget): http.Agent {
  const agent = new http.Agent();
  (agent as unknown as { createConnection: () => Duplex }).createConnection = () => sshConnection(target);
  return agent;
}

function sshConnection(target: SshTarget): Duplex {
  // its own process group: a Ctrl-C at the terminal must not cut the engine connection of a deploy past its point of no return
  const child = spawn('ssh', sshArguments(target), { stdio: ['pipe', 'pipe', 'pipe'], detached: OWN_PROCESS_GROUP });
  let stderr = '';
  let sawData = false;
  const socket = new Duplex({
    write(chunk, _encoding, callback) {
      if (!child.stdin.writable) return callback();
      // a failed write means ssh is gone; its exit (below) tells why
      child.stdin.write(chunk, () => callback());
    },
    final(callback) {
      child.stdin.end();
      callback();
    },
    read() {
      child.stdout.resume();
    },
    destroy(error, callback) {
      child.kill();
      callback(error);
    },
  });
  child.stdout.on('data', (chunk: Buffer) => {
    sawData = true;
    if (!socket.push(chunk)) child.stdout.pause();
  });
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-2000); });
  child.on('error', (error) => socket.destroy(error));
  // ssh that gave up closes its stdin; the reason comes from its exit, not from the EPIPE
  child.stdin.on('error', () => undefined);
  child.on('close', (code) => {
    if (code !== 0 && !sawData) {
      const sentence = sshFailureSentence(stderr, target);
      socket.destroy(new SshFailure(sentence ?? stderr.trim().split('\n').filter(Boolean).at(-1) ?? `ssh exited with code ${code}`, sentence !== undefined));
    } else {
      socket.push(null);
    }
  });
  // what http.ClientRequest calls on a net.Socket
  Object.assign(socket, { setTimeout: () => socket, setNoDelay: () => socket, setKeepAlive: () => socket, ref: () => socket, unref: () => socket });
  return socket;
}
