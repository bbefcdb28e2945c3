import { CommandFailedError } from '../core/common/errors';
import { detectCompose, runCompose, type ComposeCommand, type ComposePreference } from '../core/compose/composeCommand';
import type { DualEnvConfig } from '../core/config';

const detected = new Map<ComposePreference, Promise<ComposeCommand>>();

/** Compose as the setting asks for it, detected once per preference (and again after a failure). */
export function composeCommandFor(preference: ComposePreference): Promise<ComposeCommand> {
  let command = detected.get(preference);
  if (!command) {
    command = detectCompose(preference);
    detected.set(preference, command);
    command.catch(() => detected.delete(preference)); // installed later: look again next time
  }
  return command;
}

/**
 * Runs `docker compose …` (or docker-compose) on the workspace's project, each output
 * line to `onLine`; a non-zero exit becomes a CommandFailedError with the last lines.
 */
export async function compose(config: DualEnvConfig, preference: ComposePreference, args: readonly string[], options: { signal?: AbortSignal; onLine?: (line: string) => void } = {}): Promise<void> {
  const result = await runCompose(await composeCommandFor(preference), config, args, { signal: options.signal, onLine: options.onLine && ((line) => options.onLine?.(line)) });
  if (result.exitCode !== 0) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ');
    throw new CommandFailedError(`compose ${args.join(' ')} failed (exit code ${result.exitCode}) for ${config.file}: ${tail}`, result.exitCode, result.stdout + result.stderr);
  }
}
