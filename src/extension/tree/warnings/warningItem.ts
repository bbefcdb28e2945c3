// A warning node: an isolation finding of the compose file, or why the view shows status only.
import type { IsolationFinding } from '../../../core/config/isolation';
import { l10n } from '../../l10n';
import { escapeMarkdown } from '../../presentation';
import type { ItemView } from '../itemView';

export function warningItem(finding: IsolationFinding, index: number): ItemView {
  const error = finding.severity === 'error';
  return {
    id: `warning:${index}`,
    label: finding.message,
    description: error ? l10n.t('isolation error') : l10n.t('isolation warning'),
    icon: error ? { id: 'error', color: 'list.errorForeground' } : { id: 'warning', color: 'list.warningForeground' },
    tooltip: `**${l10n.t('Staging and production are not fully isolated.')}**\n\n${escapeMarkdown(finding.message)}`,
    contextValue: `warning.${finding.severity}`,
    collapsible: 'none',
    defaultAction: { command: 'dualEnv.openComposeFile', title: l10n.t('Open Compose File') },
  };
}

export function untrustedItem(): ItemView {
  return {
    id: 'warning:untrusted',
    label: l10n.t('Restricted mode: status only'),
    description: l10n.t('trust this folder to deploy, start or stop'),
    icon: { id: 'shield', color: 'list.warningForeground' },
    tooltip: l10n.t('This workspace is not trusted, so Dual Env shows status only and runs no Compose, git or restore command. Trust the folder (**Manage Workspace Trust**) to enable them.'),
    contextValue: 'warning.untrusted',
    collapsible: 'none',
    defaultAction: { command: 'workbench.trust.manage', title: l10n.t('Manage Workspace Trust') },
  };
}
