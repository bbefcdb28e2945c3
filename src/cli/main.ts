import { Command, CommanderError } from 'commander';
import { DualEnvError } from '../core/engine';
import { registerBackupCommand } from './commands/backup';
import { registerBackupsCommand } from './commands/backups';
import { registerDeployCommand } from './commands/deploy';
import { registerEnvironmentControlCommands } from './commands/environmentControl';
import { registerEnvironmentsCommand } from './commands/environments';
import { registerHistoryCommand } from './commands/history';
import { registerLogsCommand } from './commands/logs';
import { registerRollbackCommand } from './commands/rollback';
import { registerStatusCommand } from './commands/status';
import { registerRestoreCommand } from './commands/restore';
import { registerShellCommands } from './commands/shells';
import { registerUnlockCommand } from './commands/unlock';
import { registerVerifyCommand } from './commands/verify';
import { operationStarted } from './operationRunner';
import { errorReport } from './remedyHints';
import { version } from './version';

/**
 * The `dual-env` command: a thin adapter over src/core. Exit codes: 0 ok,
 * 1 operation failed, 2 bad usage or configuration.
 */
export function buildProgram(): Command {
  const program = new Command('dual-env')
    .description('Staging → production for a Docker Compose app: status, logs, deploys, backups, rollback.')
    .version(version, '-V, --version')
    .option('--file <composeFile>', 'compose file', 'docker-compose-dual-env.yml')
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError()
    .exitOverride();
  registerEnvironmentsCommand(program);
  registerStatusCommand(program);
  registerLogsCommand(program);
  registerBackupCommand(program);
  registerBackupsCommand(program);
  registerVerifyCommand(program);
  registerRestoreCommand(program);
  registerDeployCommand(program);
  registerRollbackCommand(program);
  registerHistoryCommand(program);
  registerUnlockCommand(program);
  registerEnvironmentControlCommands(program);
  registerShellCommands(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    const debug = program.opts<{ debug?: boolean }>().debug;
    if (error instanceof DualEnvError) {
      process.stderr.write(errorReport(error.message, error.remedies));
      if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    process.stderr.write(`dual-env: ${error instanceof Error ? error.message : String(error)}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

/**
 * What a failed write to stdout or stderr means. `dual-env … | head` closes the pipe
 * early (EPIPE): the reader's choice, not a failure to report with a stack trace, so
 * a read-only command just ends. A closed terminal fails writes with EIO (or EPIPE
 * over ssh): an operation then goes on without an audience, because it must finish,
 * release its lock and write its history line.
 */
export function outputErrorHandler(stream: 'stdout' | 'stderr', operationRunning: () => boolean, exit: (code: number) => void) {
  return (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
    if (stream === 'stdout' && !operationRunning()) exit(0);
  };
}

if (require.main === module) {
  process.stdout.on('error', outputErrorHandler('stdout', operationStarted, (code) => process.exit(code)));
  process.stderr.on('error', outputErrorHandler('stderr', operationStarted, (code) => process.exit(code)));
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
