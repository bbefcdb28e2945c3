import type { ComposePreference } from '../core/compose/composeCommand';
import type { DualEnvConfig, Environment } from '../core/config';
import { databaseBackups, detectCompose, dockerClientFor, UsageError } from '../core/engine';
import type { OperationDeps } from '../core/operations/operationContext';
import type { ProgressEvent } from '../core/common/progress';

/** The real dependencies of an operation on one environment, for the CLI. */
export async function operationDeps(config: DualEnvConfig, environment: Environment): Promise<OperationDeps> {
  const preference = process.env.DUAL_ENV_COMPOSE;
  const compose = await detectCompose(preference === 'v1' || preference === 'v2' ? (preference as ComposePreference) : 'auto');
  return { config, docker: dockerClientFor(environment), compose, backups: databaseBackups(config) };
}

/** Progress on stderr: one line per step change, child-process output indented under it. */
export function printProgress(event: ProgressEvent): void {
  const seconds = (event.elapsedMs / 1000).toFixed(1).padStart(6);
  if (event.logLine !== undefined) {
    if (event.logLine) process.stderr.write(`${seconds}s   ${event.step}| ${event.logLine}\n`);
    return;
  }
  const mark = { running: '…', done: '✓', failed: '✗', skipped: '–' }[event.state];
  if (event.message) process.stderr.write(`${seconds}s ${mark} ${event.step}: ${event.message}\n`);
}

/**
 * The signals that ask an operation to stop: Ctrl-C (SIGINT), the terminal closing
 * (SIGHUP: an ssh session dropped, a window closed) and `kill` (SIGTERM).
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGHUP', 'SIGTERM'] as const;

let operationsStarted = 0;

/** Whether this process has begun an operation: from then on it ends only with the operation's own outcome. */
export function operationStarted(): boolean {
  return operationsStarted > 0;
}

/**
 * An AbortSignal that Ctrl-C, a hang-up or SIGTERM fires. The operation decides
 * what it means: before anything changed it stops and cleans up; after, it says
 * what it is finishing and finishes, and writes its history line. The process is
 * never ended by such a signal while the operation runs (the children Compose and
 * ssh are in their own process group, out of the terminal's reach); a repeated
 * signal is answered once.
 */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let answered = false;
  const onSignal = () => {
    if (!controller.signal.aborted) {
      controller.abort();
      return;
    }
    if (answered) return;
    answered = true;
    process.stderr.write('dual-env: still finishing; wait for the operation to end.\n');
  };
  operationsStarted += 1;
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of STOP_SIGNALS) process.off(name, onSignal);
    },
  };
}

/** `--health-timeout <seconds>`: a positive number, or undefined when not given. */
export function parseSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--health-timeout "${value}" is not a positive number of seconds.`);
  return n;
}
