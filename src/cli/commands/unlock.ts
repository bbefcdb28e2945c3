import type { Command } from 'commander';
import { CancelledError, describeHolder, environmentLockHolder, LockedError, removeEnvironmentLock } from '../../core/engine';
import { confirmAtTerminal } from '../confirm';
import { configOf, environmentOf } from '../context';

/**
 * `dual-env unlock <env> [--yes]`: removes the lock an operation left behind when it
 * was killed, after showing who held it. On a server nobody can tell whether that
 * holder still runs, so a person decides; only the lock they were shown is removed.
 */
export function registerUnlockCommand(program: Command): void {
  program
    .command('unlock')
    .description("remove an environment's lock left by a deploy, rollback or backup that is gone")
    .argument('<env>', 'environment name (staging, production)')
    .option('-y, --yes', 'do not ask for confirmation (needed without a terminal)')
    .action(async (name: string, options: { yes?: boolean }, command: Command) => {
      const config = configOf(command);
      const environment = environmentOf(config, name);
      const { held, holder } = await environmentLockHolder(config, environment);
      if (!held) {
        process.stdout.write(`${environment.label} is not locked.\n`);
        return;
      }
      const who = holder ? describeHolder(holder) : 'an operation that left no readable holder';
      const question = `${environment.label} is locked by ${who}. Remove the lock? Do this only if that operation is no longer running: another deploy could then start beside it.`;
      if (!(await confirmAtTerminal(question, { yes: options.yes, action: 'Unlock', changes: `the lock of ${environment.name}` }))) {
        throw new CancelledError('Unlock not confirmed; the lock stays.');
      }
      if (!(await removeEnvironmentLock(config, environment, holder?.token))) {
        throw new LockedError(`The lock of ${environment.name} changed while you were asked (released, or taken by someone else); nothing was removed, run unlock again to see who holds it now.`);
      }
      process.stdout.write(`Removed the lock of ${environment.label} (${who}).\n`);
    });
}
