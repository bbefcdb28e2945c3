import type { Command } from 'commander';
import { backupPlaceOf } from '../../core/engine';
import { configOf, environmentOf, printJson } from '../context';

/** `dual-env verify <env> <backup-id> [--json]`: re-reads a backup; exit 1 when it cannot be trusted. */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('check a backup: manifest, size, sha256, whole gzip stream, end marker')
    .argument('<env>', 'environment name (staging, production)')
    .argument('<backup-id>', 'a backup id from `dual-env backups <env>`')
    .option('--json', 'machine-readable output')
    .action(async (name: string, id: string, options: { json?: boolean }, command: Command) => {
      const config = configOf(command);
      const environment = environmentOf(config, name);
      const result = await backupPlaceOf(config, environment).verify(id);
      if (options.json) {
        printJson({ id, path: result.record.path, ok: result.ok, problems: result.problems });
      } else if (result.ok) {
        process.stdout.write(`Backup ${id} of ${environment.label} is intact: manifest, size and sha256 match.\n`);
      } else {
        process.stderr.write(`dual-env: backup ${id} of ${environment.label} cannot be trusted: ${result.problems.join('; ')}.\n`);
      }
      if (!result.ok) process.exitCode = 1;
    });
}
