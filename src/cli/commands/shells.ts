import { spawn } from 'node:child_process';
import os from 'node:os';
import type { Command } from 'commander';
import type { DualEnvConfig, Environment } from '../../core/config';
import {
  containerShellCommand, databaseCredentials, databaseShellCommand, dockerClientFor, readProjectContainers, runningContainerOf, UsageError,
  type ShellCommand,
} from '../../core/engine';
import { configOf, environmentOf } from '../context';

async function runningContainer(config: DualEnvConfig, environment: Environment, service: string): Promise<string> {
  const containers = await readProjectContainers(dockerClientFor(environment), config.projectName, [service]);
  return runningContainerOf(containers, service, environment.label);
}

/**
 * Runs the docker CLI on this process's stdio and resolves with its exit code. Ctrl-C
 * belongs to the client in the container (it cancels a query there), not to dual-env.
 */
export function runAttached(command: ShellCommand): Promise<number> {
  const ignoreInterrupt = () => {};
  process.on('SIGINT', ignoreInterrupt);
  return new Promise<number>((resolve, reject) => {
    const child = spawn(command.file, command.args, { stdio: 'inherit', env: { ...process.env, ...command.env } });
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new Error('The docker CLI is not on PATH; Dual Env opens shells through `docker exec`, so install it (the Docker engine itself may be remote).', { cause: error }) : error);
    });
    child.once('close', (code, signal) => resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
  }).finally(() => process.off('SIGINT', ignoreInterrupt));
}

function usageError(service: string, environment: Environment): UsageError {
  return new UsageError(`Environment ${environment.name} has no service "${service}"; it has: ${environment.services.join(', ')}.`);
}

/** `dual-env db-shell <env>` and `dual-env shell <env> <service>`: interactive, or fed from a pipe. */
export function registerShellCommands(program: Command): void {
  program
    .command('db-shell')
    .description('open the database client of an environment in its database container (reads SQL from stdin when it is a pipe)')
    .argument('<environment>', 'staging, production, … as declared in x-dual-env')
    .addHelpText('after', '\nThe password goes to the client through its environment (MYSQL_PWD), never on a command line.')
    .action(async (environmentName: string, _options: unknown, command: Command) => {
      const config = configOf(command);
      const environment = environmentOf(config, environmentName);
      const database = environment.database;
      if (!database) throw new UsageError(`Environment ${environment.name} declares no database in x-dual-env, so it has no database shell.`);
      const { user, database: name, password } = await databaseCredentials(config, database);
      const container = await runningContainer(config, environment, database.service);
      const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
      process.exitCode = await runAttached(databaseShellCommand({ environment, container, user, database: name, password, tty }));
    });

  program
    .command('shell')
    .description('open a shell (bash, else sh) in a running container of an environment')
    .argument('<environment>', 'staging, production, … as declared in x-dual-env')
    .argument('<service>', 'one service of that environment')
    .action(async (environmentName: string, service: string, _options: unknown, command: Command) => {
      const config = configOf(command);
      const environment = environmentOf(config, environmentName);
      if (!environment.services.includes(service)) throw usageError(service, environment);
      if (!process.stdin.isTTY) throw new UsageError('dual-env shell needs a terminal; to run one command in a container, use docker exec.');
      const container = await runningContainer(config, environment, service);
      process.exitCode = await runAttached(containerShellCommand(environment, container));
    });
}
