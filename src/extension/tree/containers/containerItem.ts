// A container node: its state and health as a coloured codicon, ports and image
// in the description, everything else in the tooltip.
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

export function containerItem(environmentName: string, container: ContainerStatus, now = Date.now()): ItemView {
  const ports = container.ports.map(portText);
  const rows: [string, string][] = [
    ['State', stateText(container)],
    ['Container', container.containerId ? `${container.name ?? ''} ${container.containerId.slice(0, 12)}`.trim() : 'none'],
    ['Image', container.image || 'none'],
    ['Ports', ports.length > 0 ? container.ports.map((p) => `${p.hostIp ?? '0.0.0.0'}:${portText(p)}`).join(', ') : 'none published'],
    ['Started', container.startedAt ? `${container.startedAt} (${relativeTime(container.startedAt, now)})` : 'not running'],
  ];
  const tooltip = [
    `**${escapeMarkdown(container.service)}**`,
    ['| | |', '|---|---|', ...rows.map(([key, value]) => `| ${key} | ${escapeMarkdown(value)} |`)].join('\n'),
    container.healthLog ? `Last health check:\n\n\`\`\`\n${container.healthLog.replace(/```/g, "'''")}\n\`\`\`` : undefined,
  ].filter(Boolean).join('\n\n');
  return {
    id: `container:${environmentName}:${container.service}:${container.containerId ?? 'missing'}`,
    label: container.service,
    description: [stateText(container), ports.join(' '), container.image].filter(Boolean).join(' · '),
    icon: containerIcon(container),
    tooltip,
    contextValue: containerContext(container),
    collapsible: 'none',
  };
}
