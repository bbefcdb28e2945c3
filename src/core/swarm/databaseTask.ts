// Why a Swarm database's one task is not running, or stopped under a backup, said in
// words an operator acts on. The database is pinned to its node with its volume, so
// Swarm cannot move it: a drained or down node leaves it with no task at all, and an
// update of its service replaces the task in place (stop-first), cutting whatever was
// reading it. Pure: it reads the manager's task and node lists.

import type { ApiNode as SwarmNode, ApiTask as SwarmTask } from './swarmApi';

/** Task states on the way to running: Swarm is starting a task, a replacement when another ran before. */
const STARTING = new Set(['new', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting']);

const hostnameOf = (node: SwarmNode | undefined, id: string | undefined) => node?.Description?.Hostname ?? id ?? 'unknown';

/** What keeps a node from running the database: drained by an operator, or down; undefined when neither. */
function nodeTrouble(node: SwarmNode | undefined): 'drained' | 'down' | undefined {
  if (node?.Spec?.Availability === 'drain') return 'drained';
  if (node?.Status?.State === 'down' || node?.Status?.State === 'disconnected') return 'down';
  return undefined;
}

/** The newest task Swarm gave a node: the node the database is pinned to, since it cannot run anywhere else. */
function lastPlaced(tasks: readonly SwarmTask[]): SwarmTask | undefined {
  return tasks.filter((t) => t.NodeID).sort((a, b) => (b.CreatedAt ?? '').localeCompare(a.CreatedAt ?? ''))[0];
}

/**
 * Why the service `name` has no running task, as "…: <why>" and "; <remedy>": its node
 * drained or down (the task cannot move), a task being started in place of one that ran,
 * or else the tasks' states as Swarm has them.
 */
export function noRunningTaskReason(name: string, tasks: readonly SwarmTask[], nodes: readonly SwarmNode[]): { why: string; remedy: string } {
  const placed = lastPlaced(tasks);
  const node = nodes.find((n) => n.ID === placed?.NodeID);
  const hostname = hostnameOf(node, placed?.NodeID);
  const trouble = nodeTrouble(node);
  if (trouble === 'drained') {
    return { why: `it is pinned to the node ${hostname}, which is drained`, remedy: `make the node active again (docker node update --availability active ${hostname})` };
  }
  if (trouble === 'down') return { why: `it is pinned to the node ${hostname}, which is down`, remedy: 'bring the node back (docker node ls shows it down)' };
  const starting = tasks.find((t) => t.DesiredState === 'running' && STARTING.has(t.Status?.State ?? ''));
  if (starting && placed) {
    return { why: `its task on ${hostname} is being replaced (${starting.Status!.State} now)`, remedy: `try again once docker service ps ${name} shows it running` };
  }
  const states = tasks.filter((t) => t.DesiredState === 'running').map((t) => t.Status?.State).join(', ');
  return { why: `its tasks are ${states || 'none scheduled'}`, remedy: `look at docker service ps ${name}` };
}

/**
 * Why the task `taskId` of a database stopped, as words that follow "the database task on
 * <node>": its node drained or down, replaced by an update, or died; undefined while it
 * runs still (a failure was then something else's).
 */
export function endedTaskReason(taskId: string, tasks: readonly SwarmTask[], nodes: readonly SwarmNode[]): string | undefined {
  const task = tasks.find((t) => t.ID === taskId);
  const state = task?.Status?.State;
  if (task && task.DesiredState === 'running' && state === 'running') return undefined;
  const node = nodes.find((n) => n.ID === task?.NodeID);
  const trouble = nodeTrouble(node);
  if (trouble === 'drained') return `was stopped because its node was drained`;
  if (trouble === 'down') return `was lost with its node, which is down`;
  if (!task || task.DesiredState !== 'running') return 'was replaced (a deploy or an update of its service)';
  return `stopped (${state}${task.Status?.Err ? `: ${task.Status.Err}` : ''})`;
}
