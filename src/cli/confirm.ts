import readline from 'node:readline/promises';
import { UsageError } from '../core/engine';

/**
 * Asks before anything changes production. With --yes it goes ahead; without a
 * TTY to ask on it refuses, so a script never changes production by accident.
 */
export async function confirmAtTerminal(question: string, options: { yes?: boolean; action: string }): Promise<boolean> {
  if (options.yes) return true;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new UsageError(`${options.action} changes production and there is no terminal to confirm on; pass --yes to confirm.`);
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question}\nType "yes" to ${options.action.toLowerCase()}: `);
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}
