import type { SwarmStatus } from '../../core/swarm/swarmStatus';

/**
 * `dual-env status` for a Swarm environment: each service with running/desired
 * replicas, then its tasks (one per replica) with node, state, health and error.
 */
export function swarmLines(swarm: SwarmStatus): string[] {
  const lines: string[] = [];
  for (const service of swarm.services) {
    const update = service.updateState ? `  update ${service.updateState}` : '';
    lines.push(`${service.service.padEnd(22)} ${`${service.running}/${service.desired} replicas`.padEnd(18)} ${service.mode}${update}`);
    for (const task of service.tasks) {
      const health = task.health === 'none' ? '' : `/${task.health}`;
      const why = task.error ?? (task.previousError ? `replaces a task that failed: ${task.previousError}` : '');
      lines.push(`  ${task.name.padEnd(22)} ${(task.node ?? 'unassigned').padEnd(20)} ${`${task.state}${health}`.padEnd(18)} ${task.image}${why ? `  ${why}` : ''}`);
    }
  }
  const down = swarm.nodes.filter((n) => n.state !== 'ready');
  if (down.length > 0) lines.push(`nodes not ready: ${down.map((n) => `${n.hostname} (${n.state})`).join(', ')}`);
  return lines;
}
