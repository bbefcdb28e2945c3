import type { Command } from 'commander';
import { historyRow, noHistoryText, readEnvironmentHistory } from '../../core/engine';
import type { HistoryRecord } from '../../core/operations/history';
import { configOf, environmentOf, printJson } from '../context';

function line(record: HistoryRecord): string {
  const row = historyRow(record);
  const extra = [row.tag, row.backupId && `backup ${row.backupId}`].filter(Boolean).join(', ');
  return `${row.started}  ${row.outcome.padEnd(11)} ${row.what}${extra ? `  [${extra}]` : ''}  by ${row.by} in ${row.took}${row.error ? `\n${''.padEnd(21)}${row.error}` : ''}`;
}

/** `dual-env history <env> [--json]`: deploys and rollbacks of an environment, newest first. */
export function registerHistoryCommand(program: Command): void {
  program
    .command('history')
    .description('list the deploys and rollbacks of an environment, newest first')
    .argument('<environment>', 'staging, production, … as declared in x-dual-env')
    .option('--json', 'machine-readable output')
    .action(async (environmentName: string, options: { json?: boolean }, command: Command) => {
      const config = configOf(command);
      const environment = environmentOf(config, environmentName);
      const records = (await readEnvironmentHistory(config, environment)).reverse();
      if (options.json) {
        printJson(records);
        return;
      }
      if (records.length === 0) process.stdout.write(`${noHistoryText(environment.label)}\n`);
      for (const record of records) process.stdout.write(`${line(record)}\n`);
    });
}
