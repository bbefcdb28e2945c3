// A node lost while Swarm rolls an update: the manager marks it `down` once its
// heartbeats stop, then reschedules its replicated tasks on the nodes left. Until it
// does, those tasks are still listed `running` (the node reports nothing more), so
// the gate must not count them, and the deploy says which node went and where its
// tasks went. Pure: the gate reads nodes and tasks and hands them here.

export interface GateNode {
  id: string;
  hostname: string;
  /** `ready`, `down`, `unknown`, `disconnected`. */
  state: string;
  /** Swarm's reason for the state (`heartbeat failure`). */
  message?: string;
}

export interface GateTask {
  /** The Swarm service's id. */
  serviceId: string;
  slot?: number;
  nodeId?: string;
  desiredState: string;
  state: string;
  /** The image its spec names, without a digest. */
  image?: string;
}

/** States a task is in while a node holds it: once its node is gone they are frozen there. */
const HELD = new Set(['assigned', 'accepted', 'preparing', 'ready', 'starting', 'running']);

/** States before `running`: a task in one of them on a lost node will not run until the node returns. */
const NOT_YET_RUNNING = new Set(['new', 'allocated', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting']);

/**
 * The node Swarm's update of a service waits on, if it does: Swarm's updater waits for
 * the new task it started to run, whatever happens to the node; a task of the spec's
 * image that had not run when its node went down will not run before the node is back,
 * so the update does not go on (Swarm's reschedule of it is another task).
 */
export function updateStalledOn(tasks: readonly GateTask[], specImage: string | undefined, nodes: readonly GateNode[]): GateNode | undefined {
  const notReady = nodes.filter((n) => n.state !== 'ready');
  const stuck = tasks.find((t) => t.image === specImage && NOT_YET_RUNNING.has(t.state) && notReady.some((n) => n.id === t.nodeId));
  return stuck && notReady.find((n) => n.id === stuck.nodeId);
}

/** Nodes that were ready when the gate began and are not now. */
export function nodesLost(atStart: readonly GateNode[], now: readonly GateNode[]): GateNode[] {
  const wasReady = new Set(atStart.filter((n) => n.state === 'ready').map((n) => n.id));
  return now.filter((n) => wasReady.has(n.id) && n.state !== 'ready');
}

/** Ids of nodes that are not ready: a task there may be listed running but serves nothing Swarm can vouch for. */
export function nodesNotReady(nodes: readonly GateNode[]): Set<string> {
  return new Set(nodes.filter((n) => n.state !== 'ready').map((n) => n.id));
}

/** Progress line when a node is first seen lost. */
export function nodeWentDownLine(node: GateNode): string {
  return `Node ${node.hostname} went down during the update${node.message ? ` (${node.message})` : ''}; Swarm reschedules its tasks on the nodes left`;
}

const listed = (names: readonly string[]) => (names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

/**
 * A lost node's tasks as Swarm left them (every task it held when it went, frozen as
 * it last reported them), and for each the task that runs its slot again on a ready
 * node, if one does yet: Swarm keeps a replicated task's slot when it reschedules it.
 * `tasks`: the stack's tasks, every desired state.
 */
function rescheduled(lost: GateNode, tasks: readonly GateTask[], nodes: readonly GateNode[]): Array<{ task: GateTask; replacement?: GateTask }> {
  const ready = new Set(nodes.filter((n) => n.state === 'ready').map((n) => n.id));
  return tasks.filter((t) => t.nodeId === lost.id && HELD.has(t.state)).map((task) => ({
    task,
    replacement: tasks.find((r) => r.serviceId === task.serviceId && task.slot !== undefined && r.slot === task.slot
      && r.nodeId !== lost.id && r.desiredState === 'running' && r.state === 'running' && ready.has(r.nodeId ?? '')),
  }));
}

/** Tasks of a replicated service the lost node held that Swarm has not yet run elsewhere (a global service's stay with their node). */
export function awaitingReschedule(lost: GateNode, tasks: readonly GateTask[], nodes: readonly GateNode[]): number {
  return rescheduled(lost, tasks, nodes).filter(({ task, replacement }) => task.slot !== undefined && !replacement).length;
}

/** What became of a lost node, without a closing period: the nodes where its tasks run again, or how many of them wait. */
export function nodeLossSentence(lost: GateNode, tasks: readonly GateTask[], nodes: readonly GateNode[]): string {
  const went = `Node ${lost.hostname} went down during the update`;
  const held = rescheduled(lost, tasks, nodes);
  if (held.length === 0) return `${went}; it ran no task of the stack`;
  const hostname = (id: string | undefined) => nodes.find((n) => n.id === id)?.hostname ?? id ?? 'an unknown node';
  const on = [...new Set(held.flatMap(({ replacement }) => (replacement ? [hostname(replacement.nodeId)] : [])))].sort();
  const waiting = held.filter(({ replacement }) => !replacement).length;
  if (waiting === 0) return `${went}; Swarm rescheduled its tasks on ${listed(on)}`;
  if (on.length === 0) return `${went}; Swarm has not rescheduled its ${held.length === 1 ? 'task' : `${held.length} tasks`} on another node`;
  return `${went}; Swarm rescheduled ${held.length - waiting} of its ${held.length} tasks on ${listed(on)}, the other${waiting === 1 ? ' has' : 's have'} no node yet`;
}
