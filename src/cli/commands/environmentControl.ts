import type { Command } from 'commander';
import { controlEnvironment } from '../../core/engine';
import type { ControlAction } from '../../core/operations/environmentControl';
import { confirmAtTerminal } from '../confirm';
import { configOf, environmentOf } from '../context';
import { interruptSignal, operationDeps, printProgress } from '../operationRunner';

const DESCRIPTIONS: Record<ControlAction, string> = {
  up: 'start an environment (or one service) and wait until it is healthy',
  down: 'stop an environment (or one service); containers and data are kept',
  restart: 'restart an environment (or one service) and wait until it is healthy',
};

/** `dual-env up|down|restart <env> [<service>] [--yes]`; production ones are confirmed. */
export function registerEnvironmentControlCommands(program: Command): void {
  for (const action of ['up', 'down', 'restart'] as const) {
    program
      .command(action)
      .description(DESCRIPTIONS[action])
      .argument('<environment>', 'staging, production, … as declared in x-dual-env')
      .argument('[service]', 'one service of that environment (default: all of them)')
      .option('-y, --yes', 'confirm a production change without asking')
      .action(async (environmentName: string, service: string | undefined, options: { yes?: boolean }, command: Command) => {
        const config = configOf(command);
        const environment = environmentOf(config, environmentName);
        const what = service ?? `all of ${environment.label} (${environment.services.join(', ')})`;
        if (environment.isProduction) {
          const confirmed = await confirmAtTerminal(`${action} ${what} in ${environment.label}.`, { yes: options.yes, action: `${action[0].toUpperCase()}${action.slice(1)} ${environment.label}` });
          if (!confirmed) {
            process.stderr.write('dual-env: not confirmed; nothing was changed.\n');
            process.exitCode = 1;
            return;
          }
        }
        const interrupt = interruptSignal();
        try {
          await controlEnvironment(await operationDeps(config, environment), { environment: environment.name, action, service }, interrupt.signal, printProgress);
          process.stdout.write(`${environment.label}: ${action} of ${service ?? 'all services'} done\n`);
        } finally {
          interrupt.dispose();
        }
      });
  }
}
