// Text shared by the tree and the status bar. Pure: no vscode import, unit-tested under Node.
import { l10n } from './l10n';
import type { ContainerPort, ContainerStatus, EnvironmentStatus } from './model';

/**
 * Coarse relative time, so that labels do not change every few seconds and the
 * tree does not re-render for nothing. Each phrase is whole, one for 1 and one for
 * more, so that a language can order and inflect it as it needs.
 */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (Number.isNaN(seconds)) return l10n.t('at an unknown time');
  if (seconds < 60) return l10n.t('less than a minute ago');
  if (seconds < 3600) {
    const minutes = Math.floor(seconds / 60);
    return minutes === 1 ? l10n.t('1 min ago') : l10n.t('{0} min ago', minutes);
  }
  if (seconds < 86_400) {
    const hours = Math.floor(seconds / 3600);
    return hours === 1 ? l10n.t('1 h ago') : l10n.t('{0} h ago', hours);
  }
  const days = Math.floor(seconds / 86_400);
  return days === 1 ? l10n.t('1 d ago') : l10n.t('{0} d ago', days);
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

/** A container's state and health as one phrase: `running, healthy`, `exited`, `no container`. */
function stateAndHealth(container: ContainerStatus): string {
  switch (container.state) {
    case 'missing': return l10n.t('no container');
    case 'exited': return l10n.t('exited');
    case 'restarting': return l10n.t('restarting');
    case 'paused': return l10n.t('paused');
    case 'created': return l10n.t('created');
    case 'dead': return l10n.t('dead');
    case 'running':
      switch (container.health) {
        case 'healthy': return l10n.t('running, healthy');
        case 'unhealthy': return l10n.t('running, unhealthy');
        case 'starting': return l10n.t('running, starting');
        case 'none': return l10n.t('running');
      }
  }
}

/** `running, healthy`, `exited`, `restarting (3 restarts)`. */
export function stateText(container: ContainerStatus): string {
  const state = stateAndHealth(container);
  if (container.state === 'missing' || container.restartCount === 0) return state;
  return container.restartCount === 1 ? l10n.t('{0} (1 restart)', state) : l10n.t('{0} ({1} restarts)', state, container.restartCount);
}

/** Text from containers and compose files must not break a markdown table or start formatting. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]|<>]/g, '\\$&');
}
