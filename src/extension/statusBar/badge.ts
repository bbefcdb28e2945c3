// One status-bar badge per environment: `$(beaker) Staging $(check)`, `$(rocket) Production $(warning) 2/3`,
// read by screen readers as a sentence ("Production is degraded: 2 of 3 services serve").
import type { Environment } from '../../core/config/model';
import { l10n } from '../l10n';
import type { EnvironmentHealth, EnvironmentStatus } from '../model';
import { escapeMarkdown, serves, stateText } from '../presentation';
import { environmentIcon, healthSentence } from '../tree/environments/environmentItem';
import { labelInGroup } from '../workspace/folderGroups';

export interface BadgeView {
  /** Codicons only, no Unicode marks: they render in every font and theme. */
  text: string;
  /** What a screen reader says for the badge: its text, as a sentence. */
  ariaLabel: string;
  /** A theme color id for the item's background; none when healthy. */
  backgroundColor?: 'statusBarItem.warningBackground' | 'statusBarItem.errorBackground';
  /** Markdown: the environment's health and every container, one per line. */
  tooltip: string;
}

const MARKS: Record<EnvironmentHealth, string> = { healthy: '$(check)', degraded: '$(warning)', down: '$(error)', unknown: '$(question)' };

function ariaLabelOf(environment: Environment, health: EnvironmentHealth, serving: number, total: number, replicas: boolean): string {
  // a Swarm environment's lines are replicas of its services
  if (replicas && health === 'degraded') return l10n.t('{0} is degraded: {1} of {2} replicas serve', environment.label, serving, total);
  if (replicas && health === 'down') return l10n.t('{0} is down: {1} of {2} replicas serve', environment.label, serving, total);
  switch (health) {
    case 'healthy': return l10n.t('{0} is healthy', environment.label);
    case 'degraded': return l10n.t('{0} is degraded: {1} of {2} services serve', environment.label, serving, total);
    case 'down': return l10n.t('{0} is down: {1} of {2} services serve', environment.label, serving, total);
    case 'unknown': return l10n.t('The status of {0} is not known yet', environment.label);
  }
}

/**
 * `folderName` is given when more than one workspace folder holds a compose file: the badge
 * then names its folder in its text, its tooltip and what a screen reader says.
 */
export function badgeOf(declared: Environment, status: EnvironmentStatus | undefined, folderName?: string): BadgeView {
  const environment = folderName ? { ...declared, label: labelInGroup(declared.label, folderName, 2) } : declared;
  const health = status?.health ?? 'unknown';
  const serving = status?.containers.filter(serves).length ?? 0;
  const total = status?.containers.length ?? 0;
  const count = status && (health === 'degraded' || health === 'down') ? ` ${serving}/${total}` : '';
  const containers = (status?.containers ?? []).map((c) => `${escapeMarkdown(c.service)}: ${escapeMarkdown(stateText(c))}`);
  const tooltip = [
    healthSentence(environment, health),
    status?.reason ? escapeMarkdown(status.reason) : undefined,
    ...containers,
    l10n.t('Select the badge for the actions on {0}.', escapeMarkdown(environment.label)),
  ].filter(Boolean).join('\n\n');
  return {
    text: `$(${environmentIcon(environment)}) ${environment.label} ${MARKS[health]}${count}`,
    ariaLabel: ariaLabelOf(environment, health, serving, total, status?.swarm !== undefined),
    backgroundColor: health === 'degraded' ? 'statusBarItem.warningBackground' : health === 'down' ? 'statusBarItem.errorBackground' : undefined,
    tooltip,
  };
}
