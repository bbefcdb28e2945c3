// An environment node (Staging, Production): health summary, last deploy, URL.
import type { Environment } from '../../../core/config/model';
import { l10n } from '../../l10n';
import type { EnvironmentHealth, EnvironmentStatus, LastDeploy } from '../../model';
import { escapeMarkdown, relativeTime, servingCount } from '../../presentation';
import { containerContext } from '../containers/containerItem';
import type { ItemView } from '../itemView';

export const HEALTH_COLORS: Record<EnvironmentHealth, string> = {
  healthy: 'charts.green',
  degraded: 'charts.yellow',
  down: 'charts.red',
  unknown: 'disabledForeground',
};

export function environmentIcon(environment: Pick<Environment, 'isProduction'>): string {
  return environment.isProduction ? 'rocket' : 'beaker';
}

/** The tooltip's first line, shared with the status-bar badge: one whole sentence per health. */
export function healthSentence(environment: Pick<Environment, 'label'>, health: EnvironmentHealth): string {
  const label = escapeMarkdown(environment.label);
  switch (health) {
    case 'healthy': return l10n.t('**{0}** is healthy.', label);
    case 'degraded': return l10n.t('**{0}** is degraded.', label);
    case 'down': return l10n.t('**{0}** is down.', label);
    case 'unknown': return l10n.t('The status of **{0}** is not known yet.', label);
  }
}

/** `3/3 healthy`: the description's summary. */
function healthSummary(status: EnvironmentStatus | undefined): string {
  const health = status?.health ?? 'unknown';
  if (!status || health === 'unknown') return l10n.t('status unknown');
  const count = servingCount(status);
  if (health === 'healthy') return l10n.t('{0} healthy', count);
  return health === 'degraded' ? l10n.t('{0} degraded', count) : l10n.t('{0} down', count);
}

/**
 * `environment.production`, then `.running` when one of its containers runs and `.stopped`
 * when one is stopped or missing: package.json offers Start, Stop and Restart by these.
 */
export function environmentContext(environment: Pick<Environment, 'isProduction'>, status: EnvironmentStatus | undefined): string {
  const contexts = new Set((status?.containers ?? []).map(containerContext));
  return [
    `environment.${environment.isProduction ? 'production' : 'staging'}`,
    ...(contexts.has('container.running') ? ['running'] : []),
    ...(contexts.has('container.stopped') || contexts.has('container.missing') ? ['stopped'] : []),
  ].join('.');
}

function branchSentence(environment: Environment, lastDeploy: LastDeploy | undefined): string {
  if (lastDeploy?.branch) return l10n.t('Deployed branch: {0}', escapeMarkdown(lastDeploy.branch));
  if (environment.branchPattern === '*') return l10n.t('Any branch can be deployed.');
  return l10n.t('Branches matching {0} can be deployed.', escapeMarkdown(environment.branchPattern));
}

function deploySentences(lastDeploy: LastDeploy | undefined, now: number): string[] {
  if (!lastDeploy) return [l10n.t('No deploy by Dual Env is recorded.')];
  return [
    l10n.t('Last deployed {0} ({1}).', lastDeploy.finishedAt, relativeTime(lastDeploy.finishedAt, now)),
    ...(lastDeploy.commit ? [l10n.t('Deployed commit: {0}', lastDeploy.commit.slice(0, 12))] : []),
  ];
}

export function environmentItem(environment: Environment, status: EnvironmentStatus | undefined, lastDeploy: LastDeploy | undefined, now = Date.now()): ItemView {
  const health = status?.health ?? 'unknown';
  const deployed = lastDeploy ? [lastDeploy.commit?.slice(0, 7), relativeTime(lastDeploy.finishedAt, now)].filter(Boolean) : [];
  const tooltip = [
    healthSentence(environment, health),
    status?.reason ? escapeMarkdown(status.reason) : undefined,
    environment.url ? l10n.t('URL: {0}', escapeMarkdown(environment.url)) : l10n.t('No URL is declared.'),
    branchSentence(environment, lastDeploy),
    ...deploySentences(lastDeploy, now),
  ].filter(Boolean).join('\n\n');
  return {
    id: `environment:${environment.name}`,
    label: environment.label,
    description: [healthSummary(status), ...deployed].join(' · '),
    icon: { id: environmentIcon(environment), color: HEALTH_COLORS[health] },
    tooltip,
    contextValue: environmentContext(environment, status),
    collapsible: 'expanded',
  };
}
