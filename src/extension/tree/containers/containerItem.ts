// A container node: its state and health as a coloured codicon, ports and image
// in the description, everything else in the tooltip; Enter shows its logs.
import { l10n } from '../../l10n';
import type { ContainerStatus } from '../../model';
import { escapeMarkdown, portText, relativeTime, stateText } from '../../presentation';
import type { IconView, ItemView } from '../itemView';

export function containerIcon(container: ContainerStatus): IconView {
  switch (container.state) {
    case 'running':
      if (container.health === 'healthy') return { id: 'pass-filled', color: 'charts.green' };
      if (container.health === 'starting') return { id: 'loading~spin', color: 'charts.yellow' };
      if (container.health === 'unhealthy') return { id: 'error', color: 'charts.red' };
      return { id: 'circle-filled', color: 'charts.green' };
    case 'restarting':
      return { id: 'sync~spin', color: 'charts.yellow' };
    case 'paused':
      return { id: 'debug-pause', color: 'charts.yellow' };
    case 'created':
      return { id: 'circle-outline', color: 'charts.yellow' };
    case 'exited':
    case 'dead':
      return { id: 'circle-slash', color: 'charts.red' };
    case 'missing':
      return { id: 'question', color: 'disabledForeground' };
  }
}

/** `container.running`, `container.stopped`, `container.missing`: what the context menu offers. */
export function containerContext(container: ContainerStatus): string {
  if (container.state === 'missing') return 'container.missing';
  return container.state === 'running' || container.state === 'restarting' ? 'container.running' : 'container.stopped';
}

/** The tooltip: one plain sentence per paragraph, then the last failed health check. */
function containerTooltip(container: ContainerStatus, now: number): string {
  const ports = container.ports.map((p) => `${p.hostIp ?? '0.0.0.0'}:${portText(p)}`).join(', ');
  const healthLog = container.healthLog && ['```', container.healthLog.replace(/```/g, "'''"), '```'].join('\n');
  return [
    `**${escapeMarkdown(container.service)}**`,
    l10n.t('State: {0}', escapeMarkdown(stateText(container))),
    container.containerId
      ? l10n.t('Container: {0}', escapeMarkdown(`${container.name ?? ''} ${container.containerId.slice(0, 12)}`.trim()))
      : l10n.t('No container exists for this service.'),
    container.image ? l10n.t('Image: {0}', escapeMarkdown(container.image)) : undefined,
    ports ? l10n.t('Published ports: {0}', escapeMarkdown(ports)) : l10n.t('No port is published.'),
    container.startedAt ? l10n.t('Started {0} ({1}).', container.startedAt, relativeTime(container.startedAt, now)) : l10n.t('Not running.'),
    healthLog ? `${l10n.t('Last health check:')}\n\n${healthLog}` : undefined,
  ].filter(Boolean).join('\n\n');
}

export function containerItem(environmentName: string, container: ContainerStatus, now = Date.now()): ItemView {
  const contextValue = containerContext(container);
  return {
    id: `container:${environmentName}:${container.service}:${container.containerId ?? 'missing'}`,
    label: container.service,
    description: [stateText(container), container.ports.map(portText).join(' '), container.image].filter(Boolean).join(' · '),
    icon: containerIcon(container),
    tooltip: containerTooltip(container, now),
    contextValue,
    collapsible: 'none',
    // a missing container has no output to show
    defaultAction: contextValue === 'container.missing' ? undefined : { command: 'dualEnv.showLogs', title: l10n.t('Show Logs') },
  };
}
