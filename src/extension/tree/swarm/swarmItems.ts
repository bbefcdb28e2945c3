// Rows of a Swarm environment: each service with running/desired replicas, and under
// it each replica's newest task with its node, state and error. Tasks run on other
// machines' engines: their rows carry no container actions, only the compose file.
import type { SwarmServiceStatus, SwarmTaskStatus } from '../../../core/swarm/swarmStatus';
import { l10n } from '../../l10n';
import { escapeMarkdown } from '../../presentation';
import type { IconView, ItemView } from '../itemView';

export function swarmServiceIcon(service: SwarmServiceStatus): IconView {
  if (service.desired > 0 && service.running >= service.desired) return { id: 'pass-filled', color: 'charts.green' };
  return service.running === 0 ? { id: 'error', color: 'charts.red' } : { id: 'warning', color: 'charts.yellow' };
}

export function swarmServiceItem(environmentName: string, service: SwarmServiceStatus): ItemView {
  const replicas = l10n.t('{0}/{1} replicas', service.running, service.desired);
  const tooltip = [
    `**${escapeMarkdown(service.service)}**`,
    l10n.t('{0} of {1} replicas run ({2}).', service.running, service.desired, service.mode),
    service.updateState ? l10n.t('Last rolling update: {0}.', escapeMarkdown(service.updateState)) : undefined,
  ].filter(Boolean).join('\n\n');
  return {
    id: `swarmService:${environmentName}:${service.service}`,
    label: service.service,
    description: [replicas, service.updateState === 'updating' || service.updateState === 'rollback_started' ? service.updateState : undefined].filter(Boolean).join(' · '),
    icon: swarmServiceIcon(service),
    tooltip,
    contextValue: 'swarm.service',
    collapsible: 'expanded',
  };
}

export function swarmTaskIcon(task: SwarmTaskStatus): IconView {
  if (task.state === 'running' && task.desiredState === 'running') return { id: task.health === 'healthy' ? 'pass-filled' : 'circle-filled', color: 'charts.green' };
  if (task.state === 'failed' || task.state === 'rejected' || task.state === 'orphaned') return { id: 'circle-slash', color: 'charts.red' };
  if (task.state === 'starting') return { id: 'loading~spin', color: 'charts.yellow' };
  return { id: 'circle-outline', color: 'charts.yellow' };
}

export function swarmTaskItem(environmentName: string, task: SwarmTaskStatus): ItemView {
  const why = task.error ?? task.previousError;
  const tooltip = [
    `**${escapeMarkdown(task.name)}**`,
    task.node ? l10n.t('Node: {0}', escapeMarkdown(task.node)) : l10n.t('Not yet placed on a node.'),
    l10n.t('State: {0} (desired: {1})', task.state, task.desiredState),
    task.image ? l10n.t('Image: {0}', escapeMarkdown(task.image)) : undefined,
    task.error ? l10n.t('Error: {0}', escapeMarkdown(task.error)) : undefined,
    !task.error && task.previousError ? l10n.t('Replaces a task that failed: {0}', escapeMarkdown(task.previousError)) : undefined,
  ].filter(Boolean).join('\n\n');
  return {
    id: `swarmTask:${environmentName}:${task.name}`,
    label: task.name,
    description: [task.node ?? l10n.t('unassigned'), task.state, why].filter(Boolean).join(' · '),
    icon: swarmTaskIcon(task),
    tooltip,
    contextValue: 'swarm.task',
    collapsible: 'none',
  };
}
