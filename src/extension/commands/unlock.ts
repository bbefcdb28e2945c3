import * as vscode from 'vscode';
import type { CommandFactory } from '../context';
import { loadEngine } from '../engineLoader';
import { l10n } from '../l10n';

/**
 * Remove Lock: the VS Code face of `dual-env unlock`, offered on a refusal whose lock is
 * on a server. Shows the holder and asks; removes only the lock that was shown.
 */
export const unlockEnvironment: CommandFactory = (ctx) => async (arg?: unknown) => {
  const target = await ctx.environmentOf(arg, l10n.t('Remove Lock'));
  if (!target) return;
  const { project, environment } = target;
  const config = project.config;
  if (!config) return;
  const engine = await loadEngine();
  const { held, holder } = await engine.environmentLockHolder(config, environment);
  if (!held) {
    void vscode.window.showInformationMessage(l10n.t('{0} is not locked.', ctx.labelOf(target)));
    return;
  }
  const who = holder ? engine.describeHolder(holder) : l10n.t('an operation that left no readable holder');
  const confirmed = await ctx.userInput.confirm(l10n.t('Remove the lock of {0}?', ctx.labelOf(target)), {
    detail: l10n.t('It is held by {0}. Remove it only if that operation is no longer running: another deploy could then start beside it.', who),
    confirm: l10n.t('Remove Lock'),
  });
  if (!confirmed) return;
  if (!(await engine.removeEnvironmentLock(config, environment, holder?.token))) {
    throw new Error(l10n.t('The lock of {0} changed while you were asked (released, or taken by someone else); nothing was removed.', ctx.labelOf(target)));
  }
  void vscode.window.showInformationMessage(l10n.t('Removed the lock of {0}.', ctx.labelOf(target)));
};
