// One status-bar badge per environment: `$(beaker) Staging ✓`, `$(rocket) Production ⚠ 2/3`.
import type { Environment } from '../../core/config/model';
import type { EnvironmentStatus } from '../model';
import { escapeMarkdown, servingCount, stateText } from '../presentation';
import { environmentIcon } from '../tree/environments/environmentItem';

export interface BadgeView {
  text: string;
  /** A theme color id for the item's background; none when healthy. */
  backgroundColor?: 'statusBarItem.warningBackground' | 'statusBarItem.errorBackground';
  /** Markdown: the environment's health and every container. */
  tooltip: string;
}

const MARKS = { healthy: '✓', degraded: '⚠', down: '✗', unknown: '?' } as const;

export function badgeOf(environment: Environment, status: EnvironmentStatus | undefined): BadgeView {
  const health = status?.health ?? 'unknown';
  const count = status && (health === 'degraded' || health === 'down') ? ` ${servingCount(status)}` : '';
  const containers = (status?.containers ?? []).map((c) => `| ${escapeMarkdown(c.service)} | ${escapeMarkdown(stateText(c))} |`);
  const tooltip = [
    `**${escapeMarkdown(environment.label)}** — ${health}`,
    status?.reason ? escapeMarkdown(status.reason) : undefined,
    containers.length > 0 ? ['| Service | State |', '|---|---|', ...containers].join('\n') : undefined,
    'Click for actions.',
  ].filter(Boolean).join('\n\n');
  return {
    text: `$(${environmentIcon(environment)}) ${environment.label} ${MARKS[health]}${count}`,
    backgroundColor: health === 'degraded' ? 'statusBarItem.warningBackground' : health === 'down' ? 'statusBarItem.errorBackground' : undefined,
    tooltip,
  };
}
