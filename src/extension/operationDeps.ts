import { withStoredPasswords } from '../core/config/secrets';
import type { OperationDeps } from '../core/operations/operationContext';
import { composeCommandFor } from './compose';
import type { Ctx, Target } from './context';
import { loadEngine } from './engineLoader';

/** What an operation on one environment needs, from its own folder's project, with that folder's settings and SecretStorage behind it. */
export async function operationDeps(ctx: Ctx, { project, environment }: Target): Promise<OperationDeps> {
  if (!project.config) throw new Error(project.problem ?? 'There is no compose file to operate on.');
  // the project may not have read SecretStorage yet; an operation's output must redact those passwords from its first line
  const config = await withStoredPasswords(project.config, ctx.secrets);
  const engine = await loadEngine();
  return {
    config,
    docker: engine.dockerClientFor(environment),
    compose: await composeCommandFor(project.settings.composeCommand),
    backups: engine.databaseBackups(config, ctx.secrets),
  };
}
