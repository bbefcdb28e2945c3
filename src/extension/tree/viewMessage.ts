// The Environments view's message: why the compose file cannot be used, shown above the
// (empty) tree, where before the view only said that the log knows why. Pure: unit-tested.
import { l10n } from '../l10n';
import type { ViewState } from '../workspaceModel';

/** The message for a state, or undefined; a message hides the view's welcome content, so only the error state has one. */
export function viewMessage(state: ViewState, problem: string | undefined): string | undefined {
  if (state !== 'configError') return undefined;
  return problem
    ? l10n.t('The compose file cannot be used: {0}', problem)
    : l10n.t('The compose file cannot be used; the Dual Env log says why.');
}
