// A workspace folder's node, above its environments, when more than one folder holds a compose file.
import { l10n } from '../../l10n';
import { escapeMarkdown } from '../../presentation';
import type { ViewState } from '../../workspace/folderGroups';
import type { ItemView } from '../itemView';

export interface FolderView {
  /** Stable while the folder is in the workspace (its URI). */
  key: string;
  name: string;
  state: ViewState;
  problem?: string;
  composeFile: string;
  /** The compose project its containers run under: each folder is its own. */
  projectName?: string;
  environmentCount: number;
}

function summary(folder: FolderView): string {
  switch (folder.state) {
    case 'configError': return l10n.t('compose file cannot be used');
    case 'dockerUnreachable': return l10n.t('Docker cannot be reached');
    default: return folder.environmentCount === 1 ? l10n.t('1 environment') : l10n.t('{0} environments', folder.environmentCount);
  }
}

export function folderItem(folder: FolderView): ItemView {
  const tooltip = [
    `**${escapeMarkdown(folder.name)}**`,
    l10n.t('Compose file: {0}', escapeMarkdown(folder.composeFile)),
    folder.projectName ? l10n.t('Compose project: {0}', escapeMarkdown(folder.projectName)) : undefined,
    folder.problem ? escapeMarkdown(folder.problem) : undefined,
  ].filter(Boolean).join('\n\n');
  return {
    id: `folder:${folder.key}`,
    label: folder.name,
    description: folder.projectName && folder.state !== 'configError' ? `${folder.projectName} · ${summary(folder)}` : summary(folder),
    icon: folder.state === 'ready' ? { id: 'root-folder' } : { id: 'warning', color: 'list.warningForeground' },
    tooltip,
    contextValue: folder.state === 'configError' ? 'folder.configError' : 'folder',
    collapsible: 'expanded',
  };
}

/** Why a folder shows no environments: its compose file cannot be used, or Docker cannot be reached. */
export function folderProblemItem(folder: Pick<FolderView, 'key' | 'state' | 'problem'>): ItemView {
  return {
    id: `problem:${folder.key}`,
    label: folder.problem ?? l10n.t('The compose file cannot be used; the Dual Env log says why.'),
    icon: { id: 'error', color: 'list.errorForeground' },
    tooltip: folder.problem ? escapeMarkdown(folder.problem) : undefined,
    contextValue: folder.state === 'configError' ? 'warning.configError' : 'warning.dockerUnreachable',
    collapsible: 'none',
    defaultAction: folder.state === 'configError'
      ? { command: 'dualEnv.openComposeFile', title: l10n.t('Open Compose File') }
      : { command: 'dualEnv.refresh', title: l10n.t('Refresh') },
  };
}
