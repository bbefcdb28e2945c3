import type { Command } from 'commander';
import { backupDatabase, dockerClientFor, formatBytes, formatCount, UsageError } from '../../core/engine';
import type { ProgressListener } from '../../core/common/progress';
import { configOf, environmentOf, printJson } from '../context';
import { interruptSignal } from '../operationRunner';

/**
 * Progress for people: on a TTY one line rewritten in place (tables, rows,
 * bytes, rate); finished steps on their own line. Without a TTY only the
 * finished steps, so logs stay readable.
 */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): ProgressListener {
  const live = Boolean(stream.isTTY);
  let open = false;
  return (event) => {
    if (event.state === 'running') {
      if (!live || !event.message) return;
      const line = `${event.step}: ${event.message}`;
      stream.write(`\r\x1b[K${line.slice(0, Math.max(20, (stream.columns ?? 120) - 1))}`);
      open = true;
      return;
    }
    if (open) stream.write('\r\x1b[K');
    open = false;
    if (event.message) stream.write(`${event.step}: ${event.message}\n`);
  };
}

export function parallelOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new UsageError(`--parallel takes a whole number from 1 to 16, not "${value}".`);
  return n;
}

/** `dual-env backup <env> [--json] [--parallel n]`: a verified backup of the environment's database. */
export function registerBackupCommand(program: Command): void {
  program
    .command('backup')
    .description("back up an environment's database into its backups (a folder here, or a volume on its server for a remote engine; verified, then retention applied)")
    .argument('<env>', 'environment name (staging, production)')
    .option('--json', 'machine-readable output')
    .option('--parallel <n>', 'tables dumped at once, all from one consistent snapshot', parallelOption)
    .option('--git-commit <sha>', 'record this commit in the manifest')
    .action(async (name: string, options: { json?: boolean; parallel?: number; gitCommit?: string }, command: Command) => {
      const config = configOf(command);
      const environment = environmentOf(config, name);
      const { signal, dispose } = interruptSignal();
      try {
        const record = await backupDatabase(
          { config, environment, dump: { parallel: options.parallel }, docker: dockerClientFor(environment) },
          { gitCommit: options.gitCommit, reason: 'manual (dual-env backup)' },
          signal,
          options.json ? undefined : progressPrinter(),
        );
        if (options.json) {
          const { manifest, ...summary } = record;
          printJson({ ...summary, tables: manifest?.tables });
        } else {
          process.stdout.write(`${record.id}\t${formatBytes(record.sizeBytes)}\t${formatCount(record.rows ?? 0)} rows\t${record.path}\n`);
        }
      } finally {
        dispose();
      }
    });
}
