import type { Command } from 'commander';
import { formatBytes, formatCount, listBackups } from '../../core/engine';
import { configOf, environmentOf, printJson } from '../context';

/** `dual-env backups <env> [--json]`: the environment's backups, newest first. */
export function registerBackupsCommand(program: Command): void {
  program
    .command('backups')
    .description("list an environment's backups, newest first")
    .argument('<env>', 'environment name (staging, production)')
    .option('--json', 'machine-readable output')
    .action((name: string, options: { json?: boolean }, command: Command) => {
      const environment = environmentOf(configOf(command), name);
      const backups = listBackups(environment.backups.folder);
      if (options.json) {
        printJson(backups.map(({ manifest, ...record }) => ({ ...record, tables: manifest?.tables.length })));
        return;
      }
      if (backups.length === 0) {
        process.stdout.write(`No backups of ${environment.label} in ${environment.backups.folder}.\n`);
        return;
      }
      for (const b of backups) {
        const state = b.verified ? 'verified' : b.complete ? 'complete' : `INCOMPLETE: ${b.problem}`;
        const details = [b.createdAt ?? '', formatBytes(b.sizeBytes), b.rows === undefined ? '' : `${formatCount(b.rows)} rows`, state, b.gitCommit ? `commit ${b.gitCommit.slice(0, 10)}` : '', b.reason ?? ''];
        process.stdout.write(`${b.id}\t${details.filter(Boolean).join('\t')}\n`);
      }
    });
}
