import http from 'node:http';
import type { Duplex } from 'node:stream';
import { spawnSshProcess } from './sshProcess';
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
  const { child, stream: socket, stderr } = spawnSshProcess(sshArguments(target));
  let sawData = false;
  child.stdout.once('data', () => { sawData = true; });
  child.on('error', (error) => socket.destroy(error));
  child.on('close', (code, signal) => {
    if (code !== 0 && !sawData) {
      const sentence = sshFailureSentence(stderr(), target);
      const ended = signal ? `the SSH connection to ${target.host} was cut (ssh ended by ${signal})` : `ssh exited with code ${code}`;
      socket.destroy(new SshFailure(sentence ?? stderr().trim().split('\n').filter(Boolean).at(-1) ?? ended, sentence !== undefined));
    } else {
      socket.push(null);
    }
  });
  return socket;
}
