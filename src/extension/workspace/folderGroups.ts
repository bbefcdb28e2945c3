// A multi-root workspace as groups: one per workspace folder that holds a compose file,
// each its own project. Which folders make groups, the state the view shows for all of
// them, and which folder a command acts on. Pure: unit-tested under Node.
import type { Environment } from '../../core/config/model';
import { environmentChoice, type Requirement } from '../environmentChoice';
import { l10n } from '../l10n';

/** What the Environments view can show; package.json's viewsWelcome and menus match `dualEnv.state`. */
export type ViewState = 'noFolder' | 'noComposeFile' | 'configError' | 'dockerUnreachable' | 'ready';

/** One workspace folder as read: its name, and what reading its compose file found. */
export interface FolderReading {
  name: string;
  state: ViewState;
  /** Why the state is not `ready`, in one sentence. */
  problem?: string;
}

/** A folder makes a group when it holds a compose file, readable or not: a broken one is shown so that it is fixed. */
export function isGroup(folder: Pick<FolderReading, 'state'>): boolean {
  return folder.state !== 'noFolder' && folder.state !== 'noComposeFile';
}

/**
 * The state of the whole view. With one group it is that group's, so that a
 * single-folder workspace looks as it always did; with several the tree shows a node
 * per folder, each saying what is wrong with it, so the view is `ready`.
 */
export function workspaceState(folders: readonly FolderReading[]): { state: ViewState; problem?: string } {
  if (folders.length === 0) return { state: 'noFolder', problem: l10n.t('Open a folder that holds docker-compose-dual-env.yml.') };
  const groups = folders.filter(isGroup);
  if (groups.length === 1) return { state: groups[0].state, problem: groups[0].problem };
  if (groups.length > 1) return { state: 'ready' };
  if (folders.length === 1) return { state: folders[0].state, problem: folders[0].problem };
  return { state: 'noComposeFile', problem: l10n.t('None of the workspace folders ({0}) holds a Dual Env compose file.', folders.map((f) => f.name).join(', ')) };
}

/** A group as a command sees it: its folder's name and the environments its compose file declares. */
export interface GroupChoice {
  name: string;
  environments(): Environment[];
}

/**
 * The groups a command given no folder may act on: those with an environment it
 * applies to (the named one, when a name was given). With none, the first refusal,
 * one sentence saying why; a caller asks which one when more than one is left.
 */
export function groupChoice<T extends GroupChoice>(groups: readonly T[], environmentName: string | undefined, requirement?: Requirement): T[] {
  if (groups.length === 0) throw new Error(l10n.t('No workspace folder holds a Dual Env compose file.'));
  const refusals: string[] = [];
  const allowed = groups.filter((group) => {
    try {
      environmentChoice(group.environments(), environmentName, requirement);
      return true;
    } catch (error) {
      refusals.push(groups.length > 1 ? l10n.t('{0}: {1}', group.name, (error as Error).message) : (error as Error).message);
      return false;
    }
  });
  if (allowed.length > 0) return allowed;
  throw new Error(refusals.length === 1 ? refusals[0] : refusals.join(' '));
}

/** An environment's name as the status bar and the quick picks show it: with its folder's when there are several groups. */
export function labelInGroup(environmentLabel: string, folderName: string, groupCount: number): string {
  return groupCount > 1 ? l10n.t('{0} · {1}', folderName, environmentLabel) : environmentLabel;
}
