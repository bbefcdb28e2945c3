import { spawn, type ChildProcess } from 'node:child_process';
import { CancelledError, CommandFailedError } from './errors';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Bytes written to the child's stdin, then closed. */
  input?: string | Buffer;
  /** Each line of stdout and stderr as it arrives. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Strings that must never reach the returned output or onLine (passwords). */
  redact?: readonly string[];
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Replaces every occurrence of each secret by `***`. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  return out;
}

/**
 * Children get a process group (and session) of their own, so that the signals a
 * terminal sends to the foreground group — Ctrl-C's SIGINT, a hang-up's SIGHUP —
 * reach only the caller, which decides: cancel (the AbortSignal, below) while
 * nothing has changed, or let a `compose up --force-recreate` finish once production
 * is being replaced. On Windows `detached` would open a console window instead.
 */
export const OWN_PROCESS_GROUP = process.platform !== 'win32';

/**
 * Ends a child started with OWN_PROCESS_GROUP and whatever it started (the Compose
 * plugin, ssh), even when the child itself has already exited and left them running.
 */
export function killProcessGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.pid === undefined) return;
  try {
    if (OWN_PROCESS_GROUP) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // the group is already gone
  }
}

/** The signals a terminal sends its foreground process group on Ctrl-C and on hang-up. */
const TERMINAL_SIGNALS: readonly string[] = ['SIGINT', 'SIGHUP'];

/** Attempts at a program that a terminal signal kills while it is being started (see runProcess). */
const SPAWN_ATTEMPTS = 3;

/**
 * Runs a program with an argument array (never a shell), collecting its output.
 * Resolves with the exit code; `runChecked` turns a non-zero exit into an error.
 */
export async function runProcess(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  for (let attempt = 1; ; attempt++) {
    const { result, killedAtStart } = await runOnce(command, args, options);
    // A terminal signal sent to the caller's group in the instant between fork and the
    // child's setsid still reaches the child, which Node cannot start with signals
    // ignored: it dies of it before it runs the program, having written nothing. Seen on
    // the rig with a Ctrl-C right after "Replacing …": `compose up --force-recreate`
    // never ran. Nothing else sends those signals to a group of its own.
    if (!killedAtStart || attempt === SPAWN_ATTEMPTS || options.signal?.aborted) return result;
  }
}

function runOnce(command: string, args: readonly string[], options: RunOptions): Promise<{ result: RunResult; killedAtStart: boolean }> {
  if (options.signal?.aborted) return Promise.reject(new CancelledError());
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: OWN_PROCESS_GROUP,
    });
    // only the signal stops a child, and then its whole group (compose's plugins, ssh, …)
    const onAbort = () => {
      killProcessGroup(child);
      reject(new CancelledError());
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    const partial = { stdout: '', stderr: '' };
    const onData = (stream: 'stdout' | 'stderr') => (data: Buffer) => {
      chunks[stream].push(data);
      if (!options.onLine) return;
      const text = partial[stream] + data.toString('utf8');
      const lines = text.split(/\r?\n/);
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) options.onLine(redactSecrets(line, options.redact), stream);
    };
    child.stdout.on('data', onData('stdout'));
    child.stderr.on('data', onData('stderr'));
    child.once('error', (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (error.code === 'ENOENT') reject(new CommandFailedError(`${command} is not installed or not on PATH.`, null, '', { cause: error }));
      else reject(error);
    });
    child.once('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      for (const stream of ['stdout', 'stderr'] as const) {
        if (partial[stream] && options.onLine) options.onLine(redactSecrets(partial[stream], options.redact), stream);
      }
      const silent = chunks.stdout.length === 0 && chunks.stderr.length === 0;
      resolve({
        result: {
          exitCode: code ?? 1,
          stdout: redactSecrets(Buffer.concat(chunks.stdout).toString('utf8'), options.redact),
          stderr: redactSecrets(Buffer.concat(chunks.stderr).toString('utf8'), options.redact),
        },
        killedAtStart: silent && signal !== null && TERMINAL_SIGNALS.includes(signal),
      });
    });
    child.stdin.on('error', () => { /* the child may exit before reading its input */ });
    child.stdin.end(options.input ?? '');
  });
}

export async function runChecked(
  command: string,
  args: readonly string[],
  what: string,
  options: RunOptions = {},
): Promise<RunResult> {
  const result = await runProcess(command, args, options);
  if (result.exitCode !== 0) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n');
    throw new CommandFailedError(`${what} failed (exit code ${result.exitCode}): ${tail}`, result.exitCode, result.stdout + result.stderr);
  }
  return result;
}
