// An environment node (Staging, Production): health summary, last deploy, URL.
import type { Environment } from '../../../core/config/model';
import type { EnvironmentHealth, EnvironmentStatus, LastDeploy } from '../../model';
import { escapeMarkdown, relativeTime, servingCount } from '../../presentation';
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

export function environmentItem(environment: Environment, status: EnvironmentStatus | undefined, lastDeploy: LastDeploy | undefined, now = Date.now()): ItemView {
  const health = status?.health ?? 'unknown';
  const summary = status && health !== 'unknown' ? `${servingCount(status)} ${health}` : 'status unknown';
  const deployed = lastDeploy ? [lastDeploy.commit?.slice(0, 7), relativeTime(lastDeploy.finishedAt, now)].filter(Boolean) : [];
  const rows: [string, string][] = [
    ['URL', environment.url ?? 'none declared'],
    ['Branch', lastDeploy?.branch ?? (environment.branchPattern === '*' ? 'any' : environment.branchPattern)],
    ['Commit', lastDeploy?.commit?.slice(0, 12) ?? 'not deployed by Dual Env yet'],
    ['Last deploy', lastDeploy ? `${lastDeploy.finishedAt} (${relativeTime(lastDeploy.finishedAt, now)})` : 'none recorded'],
  ];
  const tooltip = [
    `**${escapeMarkdown(environment.label)}** — ${health}`,
    status?.reason ? escapeMarkdown(status.reason) : undefined,
    ['| | |', '|---|---|', ...rows.map(([key, value]) => `| ${key} | ${escapeMarkdown(value)} |`)].join('\n'),
  ].filter(Boolean).join('\n\n');
  return {
    id: `environment:${environment.name}`,
    label: environment.label,
    description: [summary, ...deployed].join(' · '),
    icon: { id: environmentIcon(environment), color: HEALTH_COLORS[health] },
    tooltip,
    contextValue: `environment.${environment.isProduction ? 'production' : 'staging'}`,
    collapsible: 'expanded',
  };
}
