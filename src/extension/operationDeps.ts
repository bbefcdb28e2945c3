import type { Environment } from '../core/config';
import { withStoredPasswords } from '../core/config/secrets';
import type { OperationDeps } from '../core/operations/operationContext';
import { composeCommandFor } from './compose';
import type { Ctx } from './context';
import { loadEngine } from './engineLoader';

/** What an operation on one environment needs, with the extension's settings and SecretStorage behind it. */
export async function operationDeps(ctx: Ctx, environment: Environment): Promise<OperationDeps> {
  if (!ctx.model.config) throw new Error(ctx.model.problem ?? 'There is no compose file to operate on.');
  // the model may not have read SecretStorage yet; an operation's output must redact those passwords from its first line
  const config = await withStoredPasswords(ctx.model.config, ctx.secrets);
  const engine = await loadEngine();
  return {
    config,
    docker: engine.dockerClientFor(environment),
    compose: await composeCommandFor(ctx.model.settings.composeCommand),
    backups: engine.databaseBackups(config, ctx.secrets),
  };
}
