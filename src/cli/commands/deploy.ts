import type { Command } from 'commander';
import { deployProduction, deploySwarmProduction, deployStaging, describePlan, describeSwarmPlan, UsageError } from '../../core/engine';
import type { FreshData } from '../../core/operations/deployStaging';
import { confirmAtTerminal } from '../confirm';
import { configOf, environmentOf } from '../context';
import { interruptSignal, operationDeps, parseSeconds, printProgress } from '../operationRunner';

interface DeployOptions {
  yes?: boolean;
  message?: string;
  freshData?: boolean | string;
  autoRollback?: boolean;
  maintenanceWindow?: boolean;
  healthTimeout?: string;
}

/** `dual-env deploy <env> [--yes] [--message <m>] [--fresh-data [backup-id]] [--no-auto-rollback]`. */
export function registerDeployCommand(program: Command): void {
  program
    .command('deploy')
    .description('deploy the checked-out code: staging directly; production after checks, confirmation and a verified backup')
    .argument('<environment>', 'staging, production, … as declared in x-dual-env')
    .option('-y, --yes', 'confirm a production deploy without asking (for scripts and CI)')
    .option('-m, --message <message>', 'commit uncommitted changes with this message as part of a production deploy')
    .option('--fresh-data [backup-id]', 'staging only: reset its database from the init SQL, or load this production backup')
    // one default with the extension's dualEnv.autoRollback: a failed deploy leaves production serving what it served before
    .option('--no-auto-rollback', 'production only: on a failed deploy, leave production as it is and name the rollback command, instead of rolling back at once (the previous images and the database from the deploy\'s backup; writes made meanwhile are kept in a safety backup)')
    .option('--auto-rollback', 'production only: roll back at once when the new version fails (the default)')
    .option('--maintenance-window', 'production only: stop the old version before the new one starts (for a schema change the running version cannot live with), instead of replacing it without downtime')
    .option('--health-timeout <seconds>', 'how long to wait for health (default: healthTimeoutSeconds of the environment)')
    .addHelpText('after', '\nProgress goes to stderr. Exit codes: 0 deployed, 1 refused, failed or rolled back, 2 bad usage.')
    .action(async (environmentName: string, options: DeployOptions, command: Command) => {
      const config = configOf(command);
      const environment = environmentOf(config, environmentName);
      const deps = await operationDeps(config, environment);
      const interrupt = interruptSignal();
      try {
        if (!environment.isProduction) {
          if (options.message) throw new UsageError('--message commits as part of a production deploy; a staging deploy builds the working tree as it is.');
          if (options.maintenanceWindow) throw new UsageError('--maintenance-window is for a production deploy; a staging deploy always recreates its services.');
          const freshData: FreshData | undefined = options.freshData === undefined ? undefined
            : typeof options.freshData === 'string' ? { kind: 'backup', backupId: options.freshData } : { kind: 'init' };
          const result = await deployStaging(deps, { environment: environment.name, freshData, healthTimeoutSeconds: parseSeconds(options.healthTimeout) }, interrupt.signal, printProgress);
          process.stdout.write(`Deployed ${result.commit ? result.commit.slice(0, 7) : 'the working tree'}${result.dirty ? ' with uncommitted changes' : ''} to ${environment.label}${result.url ? `: ${result.url}` : ''}\n`);
          return;
        }
        if (options.freshData !== undefined) throw new UsageError('--fresh-data resets staging data; production data is changed only by a rollback.');
        if (environment.swarm) {
          // Swarm rolls and rolls back each service itself: no maintenance window, no rollback of ours to choose
          if (options.maintenanceWindow) throw new UsageError('--maintenance-window is for Compose environments; on Swarm each service\'s update order (start-first or stop-first) is in the plan.');
          const result = await deploySwarmProduction(deps, {
            environment: environment.name,
            message: options.message,
            healthTimeoutSeconds: parseSeconds(options.healthTimeout),
            stagingFirst: options.yes ? 'refuse' : 'ask',
            confirm: (plan) => confirmAtTerminal(describeSwarmPlan(plan), { yes: options.yes, action: `Deploy to ${environment.label}`, signal: interrupt.signal }),
          }, interrupt.signal, printProgress);
          if (result.outcome === 'declined') {
            process.stderr.write('dual-env: not confirmed; nothing was changed.\n');
            process.exitCode = 1;
          } else if (result.outcome === 'rolled-back') {
            process.stderr.write(`dual-env: ${result.error}\n`);
            process.exitCode = 1;
          } else {
            process.stdout.write(`Deployed ${result.commit?.slice(0, 7)} to ${environment.label} as the Swarm stack ${environment.swarm.stack} (tag ${result.tag}${result.backup ? `, backup ${result.backup.id}` : ''})${environment.url ? `: ${environment.url}` : ''}\n`);
            // a node lost on the way is part of the outcome, not only of the progress above it
            for (const sentence of result.nodesLost ?? []) process.stdout.write(`${sentence}.\n`);
          }
          return;
        }
        const result = await deployProduction(deps, {
          environment: environment.name,
          message: options.message,
          autoRollback: options.autoRollback,
          maintenanceWindow: options.maintenanceWindow,
          healthTimeoutSeconds: parseSeconds(options.healthTimeout),
          // asked at a terminal, a staging-first warning is part of the question; with --yes it refuses
          stagingFirst: options.yes ? 'refuse' : 'ask',
          confirm: (plan) => confirmAtTerminal(describePlan(plan), { yes: options.yes, action: `Deploy to ${environment.label}`, signal: interrupt.signal }),
        }, interrupt.signal, printProgress);
        if (result.outcome === 'declined') {
          process.stderr.write('dual-env: not confirmed; nothing was changed.\n');
          process.exitCode = 1;
        } else if (result.outcome === 'rolled-back') {
          process.stderr.write(`dual-env: the deploy failed and was rolled back: ${result.error}\n`);
          process.exitCode = 1;
        } else {
          process.stdout.write(`Deployed ${result.commit?.slice(0, 7)} to ${environment.label} (tag ${result.tag}, backup ${result.backup?.id})${result.url ? `: ${result.url}` : ''}\n`);
        }
      } finally {
        interrupt.dispose();
      }
    });
}
