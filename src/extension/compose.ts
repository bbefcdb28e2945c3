import { detectCompose, type ComposeCommand, type ComposePreference } from '../core/compose/composeCommand';

const detected = new Map<ComposePreference, Promise<ComposeCommand>>();

/** Compose as dualEnv.composeCommand asks for it, detected once per preference (and again after a failure). */
export function composeCommandFor(preference: ComposePreference): Promise<ComposeCommand> {
  let command = detected.get(preference);
  if (!command) {
    command = detectCompose(preference);
    detected.set(preference, command);
    command.catch(() => detected.delete(preference)); // installed later: look again next time
  }
  return command;
}
