// One ssh process as a byte stream: the engine's connections (`docker system dial-stdio`)
// and the database's (`ssh -W`) are both this, and differ only in when they count as
// open and what their failure says.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Duplex } from 'node:stream';
import { OWN_PROCESS_GROUP } from '../common/process';

export interface SshProcess {
  child: ChildProcessWithoutNullStreams;
  /** ssh's stdin and stdout; destroying it kills ssh. */
  stream: Duplex;
  /** The end of what ssh printed on stderr, where it says why it gave up. */
  stderr(): string;
}

export function spawnSshProcess(args: readonly string[]): SshProcess {
  // its own process group: a Ctrl-C at the terminal must not cut a deploy's or a restore's connection past its point of no return
  const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'], detached: OWN_PROCESS_GROUP });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  // ssh that gave up closes its stdin; the reason comes from its exit, not from the EPIPE
  child.stdin.on('error', () => undefined);
  const stream = new Duplex({
    // as a net.Socket: ssh's end of output ends the stream whole, so it closes; mysql2 hears of a
    // server that hung up without an error packet (MariaDB shutting down) only from 'close'
    allowHalfOpen: false,
    write(chunk, _encoding, callback) {
      if (!child.stdin.writable) return callback();
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
      if (child.exitCode === null && child.signalCode === null) child.kill();
      callback(error);
    },
  });
  child.stdout.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) child.stdout.pause();
  });
  // what http.ClientRequest, http.Agent and mysql2 call on a net.Socket; ref/unref are real
  // because a keep-alive agent unrefs an idle connection, which must not keep a CLI alive
  const pipes = [child.stdin, child.stdout, child.stderr] as unknown as Array<{ ref?: () => void; unref?: () => void }>;
  const ref = (held: boolean) => {
    if (held) child.ref();
    else child.unref();
    for (const pipe of pipes) (held ? pipe.ref : pipe.unref)?.call(pipe);
    return stream;
  };
  Object.assign(stream, { setTimeout: () => stream, setNoDelay: () => stream, setKeepAlive: () => stream, ref: () => ref(true), unref: () => ref(false) });
  return { child, stream, stderr: () => stderr };
}
