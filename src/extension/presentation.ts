// Text shared by the tree and the status bar. Pure: no vscode import, unit-tested under Node.
import type { ContainerPort, ContainerStatus, EnvironmentStatus } from './model';

/**
 * Coarse relative time, so that labels do not change every few seconds and the
 * tree does not re-render for nothing.
 */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (Number.isNaN(seconds)) return 'at an unknown time';
  if (seconds < 60) return 'less than a minute ago';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** A container serves when it runs and is healthy or has no health check. */
export function serves(container: ContainerStatus): boolean {
  return container.state === 'running' && (container.health === 'healthy' || container.health === 'none');
}

/** `2/3`: services with a serving container, of all. */
export function servingCount(status: EnvironmentStatus): string {
  return `${status.containers.filter(serves).length}/${status.containers.length}`;
}

export function portText(port: ContainerPort): string {
  return `${port.hostPort}→${port.containerPort}${port.protocol === 'tcp' ? '' : `/${port.protocol}`}`;
}

/** `running, healthy`, `exited`, `restarting (3 restarts)`. */
export function stateText(container: ContainerStatus): string {
  if (container.state === 'missing') return 'no container';
  const health = container.state === 'running' && container.health !== 'none' ? `, ${container.health}` : '';
  const restarts = container.restartCount > 0 ? ` (${container.restartCount} restart${container.restartCount === 1 ? '' : 's'})` : '';
  return `${container.state}${health}${restarts}`;
}

/** Text from containers and compose files must not break a markdown table or start formatting. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]|<>]/g, '\\$&');
}
