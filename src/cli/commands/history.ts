import type { Command } from 'commander';
import { readHistory } from '../../core/engine';
import type { HistoryRecord } from '../../core/operations/history';
import { configOf, environmentOf, printJson } from '../context';

function line(record: HistoryRecord): string {
  const when = record.startedAt.replace('T', ' ').slice(0, 19);
  const what = record.operation === 'rollback' ? `rollback to ${record.restoredBackupId}` : `deploy ${record.branch ?? ''}${record.commit ? ` @ ${record.commit.slice(0, 7)}` : ''}${record.dirty ? ' (uncommitted changes)' : ''}`;
  const extra = [record.tag, record.backupId && `backup ${record.backupId}`].filter(Boolean).join(', ');
  return `${when}  ${record.outcome.padEnd(11)} ${what}${extra ? `  [${extra}]` : ''}  by ${record.user}@${record.hostname} in ${Math.round(record.durationMs / 1000)} s${record.error ? `\n${''.padEnd(21)}${record.error}` : ''}`;
}

/** `dual-env history <env> [--json]`: deploys and rollbacks of an environment, newest first. */
export function registerHistoryCommand(program: Command): void {
  program
    .command('history')
    .description('list the deploys and rollbacks of an environment, newest first')
    .argument('<environment>', 'staging, production, … as declared in x-dual-env')
    .option('--json', 'machine-readable output')
    .action((environmentName: string, options: { json?: boolean }, command: Command) => {
      const config = configOf(command);
      const environment = environmentOf(config, environmentName);
      const records = readHistory(config.projectDir, environment.name).reverse();
      if (options.json) {
        printJson(records);
        return;
      }
      if (records.length === 0) process.stdout.write(`No deploys of ${environment.label} recorded yet.\n`);
      for (const record of records) process.stdout.write(`${line(record)}\n`);
    });
}
