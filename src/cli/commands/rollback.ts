import type { Command } from 'commander';
import { describeRollbackPlan, rollbackProduction, rollbackSwarmProduction, UsageError } from '../../core/engine';
import { confirmAtTerminal } from '../confirm';
import { configOf, environmentOf } from '../context';
import { interruptSignal, operationDeps, parseSeconds, printProgress } from '../operationRunner';

/** `dual-env rollback production [<backup-id>] [--yes]`. */
export function registerRollbackCommand(program: Command): void {
  program
    .command('rollback')
    .description('roll production back to a backup: its data and the images recorded with it (what production holds up to the swap is kept as a safety backup)')
    .argument('<environment>', 'the production environment')
    .argument('[backup-id]', 'the backup to go back to (default: the one taken by the last deploy)')
    .option('-y, --yes', 'confirm without asking (for scripts and CI)')
    .option('--health-timeout <seconds>', 'how long to wait for health')
    .action(async (environmentName: string, backupId: string | undefined, options: { yes?: boolean; healthTimeout?: string }, command: Command) => {
      const config = configOf(command);
      const environment = environmentOf(config, environmentName);
      if (!environment.isProduction) throw new UsageError(`Rollback is for production; to reset ${environment.name}'s data use: dual-env deploy ${environment.name} --fresh-data [backup-id].`);
      const deps = await operationDeps(config, environment);
      const interrupt = interruptSignal();
      try {
        // the same plan, promises and output; on Swarm the stack is deployed again with the backup's images
        const rollback = environment.swarm ? rollbackSwarmProduction : rollbackProduction;
        const result = await rollback(deps, {
          environment: environment.name,
          backupId,
          healthTimeoutSeconds: parseSeconds(options.healthTimeout),
          confirm: (plan) => confirmAtTerminal(describeRollbackPlan(plan), { yes: options.yes, action: `Roll ${environment.label} back`, signal: interrupt.signal }),
        }, interrupt.signal, printProgress);
        if (result.outcome === 'declined') {
          process.stderr.write('dual-env: not confirmed; nothing was changed.\n');
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`Rolled ${environment.label} back to backup ${result.plan.backup.id}; safety backup of the state before: ${result.safetyBackup?.id}\n`);
      } finally {
        interrupt.dispose();
      }
    });
}
