import readline from 'node:readline/promises';
import { CancelledError, UsageError } from '../core/engine';

/**
 * Asks before anything changes production. With --yes it goes ahead; without a
 * TTY to ask on it refuses, so a script never changes production by accident.
 * Ctrl-C at the prompt, a hang-up or SIGTERM (through `signal`) is a cancel.
 */
export async function confirmAtTerminal(question: string, options: { yes?: boolean; action: string; signal?: AbortSignal; changes?: string }): Promise<boolean> {
  if (options.yes) return true;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new UsageError(`${options.action} changes ${options.changes ?? 'production'} and there is no terminal to confirm on; pass --yes to confirm.`);
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question}\nType "yes" to ${options.action.toLowerCase()}: `, { signal: options.signal });
    return answer.trim().toLowerCase() === 'yes';
  } catch (error) {
    // at the prompt the terminal is in raw mode: Ctrl-C is a key that readline turns into an AbortError, not a signal
    if (error instanceof Error && error.name === 'AbortError') throw new CancelledError();
    throw error;
  } finally {
    rl.close();
  }
}
