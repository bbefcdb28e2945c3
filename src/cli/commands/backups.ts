import path from 'node:path';
import type { Command } from 'commander';
import { backupPlaceOf, formatBytes, formatCount, UsageError } from '../../core/engine';
import { configOf, environmentOf, printJson } from '../context';
import { interruptSignal } from '../operationRunner';
import { progressPrinter } from './backup';

/** `dual-env backups <env> [--json]`: the environment's backups, newest first; `dual-env backups pull <env> <id>` copies one here. */
export function registerBackupsCommand(program: Command): void {
  const backups = program
    .command('backups')
    .description("list an environment's backups, newest first (on its server when it runs on a remote engine)")
    .argument('<env>', 'environment name (staging, production)')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const config = configOf(command);
      const environment = environmentOf(config, name);
      const place = backupPlaceOf(config, environment);
      const list = await place.list();
      if (options.json) {
        printJson(list.map(({ manifest, ...record }) => ({ ...record, tables: manifest?.tables.length })));
        return;
      }
      if (list.length === 0) {
        process.stdout.write(`No backups of ${environment.label} in ${place.where}.\n`);
        return;
      }
      for (const b of list) {
        const state = b.verified ? 'verified' : b.complete ? 'complete' : `INCOMPLETE: ${b.problem}`;
        const details = [b.createdAt ?? '', formatBytes(b.sizeBytes), b.rows === undefined ? '' : `${formatCount(b.rows)} rows`, state, b.gitCommit ? `commit ${b.gitCommit.slice(0, 10)}` : '', b.reason ?? ''];
        process.stdout.write(`${b.id}\t${details.filter(Boolean).join('\t')}\n`);
      }
    });

  backups
    .command('pull')
    .description("copy one backup of an environment on a remote engine to this machine (its backups folder, or --to), verified after the copy")
    .argument('<env>', 'environment name (staging, production)')
    .argument('<backup-id>', 'a backup id from `dual-env backups <env>`')
    .option('--to <folder>', 'folder to copy into (default: the environment\'s backups folder)')
    .option('--json', 'machine-readable output')
    .action(async (name: string, id: string, options: { to?: string; json?: boolean }, command: Command) => {
      const config = configOf(command);
      const environment = environmentOf(config, name);
      const place = backupPlaceOf(config, environment);
      if (!place.pull) throw new UsageError(`${environment.label}'s backups are on this machine already, in ${place.where}.`);
      const folder = path.resolve(options.to ?? environment.backups.folder);
      const { signal, dispose } = interruptSignal();
      try {
        const record = await place.pull(id, folder, signal, options.json ? undefined : progressPrinter());
        if (options.json) printJson({ id: record.id, path: record.path, verified: true });
        else process.stdout.write(`Backup ${id} of ${environment.label} copied to ${record.path} and verified.\n`);
      } finally {
        dispose();
      }
    });
}
