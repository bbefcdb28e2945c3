import type { Command } from 'commander';
import { assertRestorableFrom, assertSafetyBackupKept, backupPlaceOf, CancelledError, formatCount, restoreDatabase } from '../../core/engine';
import { confirmAtTerminal } from '../confirm';
import { configOf, environmentOf, printJson } from '../context';
import { interruptSignal } from '../operationRunner';
import { parallelOption, progressPrinter } from './backup';

/**
 * `dual-env restore <env> <backup-id> [--from <env>] [--yes]`: replaces the
 * environment's database with one of its backups, or another environment's. Production asks first (or needs --yes without a TTY).
 */
export function registerRestoreCommand(program: Command): void {
  program
    .command('restore')
    .description("restore a backup into an environment's database (safety backup first; all or nothing)")
    .argument('<env>', 'environment name (staging, production)')
    .argument('<backup-id>', 'a backup id from `dual-env backups <env>`')
    .option('--from <env>', "restore another environment's backup, e.g. production's as staging's fresh data (never into production)")
    .option('-y, --yes', 'do not ask for confirmation (needed for production without a terminal)')
    .option('--no-safety-backup', 'skip the backup of the current state taken before restoring (not for production)')
    .option('--parallel <n>', 'connections loading rows at once', parallelOption)
    .option('--json', 'machine-readable output')
    .action(async (name: string, id: string, options: { from?: string; yes?: boolean; safetyBackup: boolean; parallel?: number; json?: boolean }, command: Command) => {
      const config = configOf(command);
      const environment = environmentOf(config, name);
      const from = options.from === undefined ? undefined : environmentOf(config, options.from);
      assertRestorableFrom(environment, from);
      const backup = await backupPlaceOf(config, from ?? environment).find(id);
      assertSafetyBackupKept(environment, options.safetyBackup);
      if (environment.isProduction) {
        const question = `Restore ${environment.label}'s database ${environment.database?.name ?? ''} from backup ${id}`
          + ` (${backup.createdAt ?? 'unknown time'}, ${formatCount(backup.rows ?? 0)} rows)? Its current data will be replaced${options.safetyBackup ? ' (what it holds up to the swap is kept as a safety backup)' : ''}.`;
        const confirmed = await confirmAtTerminal(question, { yes: options.yes, action: 'Restore' });
        if (!confirmed) throw new CancelledError('Restore not confirmed; nothing was changed.');
      }
      const { signal, dispose } = interruptSignal();
      try {
        const result = await restoreDatabase(
          { config, environment, parallel: options.parallel },
          { backupId: id, safetyBackup: options.safetyBackup, from },
          signal,
          options.json ? undefined : progressPrinter(),
        );
        if (options.json) {
          const { safetyBackup, ...rest } = result;
          printJson({ ...rest, safetyBackup: safetyBackup?.id });
        } else {
          process.stdout.write(`${environment.label} now holds ${from ? `${from.label}'s ` : ''}backup ${id}: ${result.tables} tables, ${formatCount(result.rows)} rows.${result.safetyBackup ? ` Previous state saved as ${result.safetyBackup.id}.` : ''}\n`);
        }
      } finally {
        dispose();
      }
    });
}
