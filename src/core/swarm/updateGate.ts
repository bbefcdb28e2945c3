// The health gate of a Swarm deploy: each service of the stack is followed through
// Swarm's own rolling update (UpdateStatus: updating → completed, or rollback_started →
// rollback_completed, or paused) and its tasks, until every task its spec wants runs
// the spec's image (Swarm calls a task `running` only once its health check passed).
// Swarm does the rolling and the rollback; this reads what it did. Read once a
// second rather than from events: the Engine API has no task events (live status
// follows each node's container events for that, README), and this runs only for
// the bounded minutes of a deploy, a few calls per look.
import type Docker from 'dockerode';
import { DualEnvError } from '../common/errors';
import { callDocker } from '../docker/client';
import { serviceTasks, swarmNodes, type ApiTask } from './swarmApi';
import { awaitingReschedule, nodeLossSentence, nodesLost, nodesNotReady, nodeWentDownLine, updateStalledOn, type GateNode, type GateTask } from './nodeLoss';

interface ServiceInfo {
  Spec?: { UpdateConfig?: { FailureAction?: string }; TaskTemplate?: { ContainerSpec?: { Image?: string } }; Mode?: { Replicated?: { Replicas?: number }; Global?: object } };
  UpdateStatus?: { State?: string; Message?: string };
}

/** Where one service stands: still rolling, done on the new spec, or rolled back or stopped by Swarm. */
export type ServiceOutcome =
  | { service: string; state: 'rolling'; detail: string }
  | { service: string; state: 'updated'; running: number }
  | { service: string; state: 'rolled-back'; reason?: string }
  | { service: string; state: 'paused'; reason: string }
  /**
   * Swarm's update waits for a new task on `node`, which went down before the task ran;
   * `serving`: what runs on the nodes left; `failureAction`: what Swarm does once the node is
   * back and reports that task ended (the update's failure_action: rollback, pause, continue).
   */
  | { service: string; state: 'stalled'; node: string; serving: string; failureAction: string };

/** The gate's deadline passed with a service still rolling. */
export class SwarmGateTimeoutError extends DualEnvError {
  readonly exitCode = 1;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A task's image without the digest Swarm may pin (`ref@sha256:…`). */
const withoutDigest = (image: string | undefined) => image?.replace(/@sha256:[0-9a-f]+$/, '');

/** The newest failed task of the expected image: why its new version did not hold. */
async function failureOf(docker: Docker, name: string, image: string | undefined): Promise<string | undefined> {
  const tasks = await serviceTasks(docker, [name]);
  const failed = tasks
    .filter((t) => (!image || withoutDigest(t.Spec?.ContainerSpec?.Image) === image) && ['failed', 'rejected', 'shutdown'].includes(t.Status?.State ?? '') && t.Status?.Err)
    .sort((a, b) => (b.CreatedAt ?? '').localeCompare(a.CreatedAt ?? ''));
  return failed[0]?.Status?.Err;
}

/**
 * One look at a service: `expected` is the image the deploy pushed for it (undefined for a
 * service whose image the deploy left as the file names it: then its spec's image is expected).
 * `nodes`: the swarm's nodes as just read; a task on one that is not ready is not counted as
 * running, whatever it is listed as (Swarm keeps it so until it reschedules it).
 */
export async function readServiceOutcome(docker: Docker, stack: string, service: string, expected: string | undefined, nodes: readonly GateNode[] = []): Promise<ServiceOutcome> {
  const notReady = nodesNotReady(nodes);
  const name = `${stack}_${service}`;
  const info = await callDocker(docker, () => docker.getService(name).inspect() as Promise<ServiceInfo>);
  const specImage = withoutDigest(info.Spec?.TaskTemplate?.ContainerSpec?.Image);
  const state = info.UpdateStatus?.State;
  if (expected && specImage !== expected && (state === 'rollback_completed' || state === 'rollback_started' || state === 'rollback_paused')) {
    if (state === 'rollback_started') return { service, state: 'rolling', detail: 'Swarm is rolling it back' };
    if (state === 'rollback_paused') return { service, state: 'paused', reason: `its rollback was paused: ${info.UpdateStatus?.Message ?? 'no reason given'}` };
    return { service, state: 'rolled-back', reason: await failureOf(docker, name, expected) };
  }
  if (state === 'paused') return { service, state: 'paused', reason: info.UpdateStatus?.Message ?? 'no reason given' };
  if (expected && specImage !== expected) return { service, state: 'rolling', detail: `its spec still names ${specImage ?? 'no image'}` };
  if (state === 'updating' && notReady.size > 0) {
    const tasks = gateTasks(await serviceTasks(docker, [name]));
    const stalled = updateStalledOn(tasks, specImage, nodes);
    if (stalled) return { service, state: 'stalled', node: stalled.hostname, serving: servingLeft(tasks, specImage, notReady), failureAction: info.Spec?.UpdateConfig?.FailureAction ?? 'pause' };
  }
  if (state === 'updating' || state === 'rollback_started') return { service, state: 'rolling', detail: `Swarm is ${state === 'updating' ? 'updating' : 'rolling back'} it` };
  const tasks = await serviceTasks(docker, [name], { desiredRunning: true });
  const current = tasks.filter((t) => withoutDigest(t.Spec?.ContainerSpec?.Image) === specImage);
  const global = info.Spec?.Mode?.Global !== undefined;
  const onReadyNodes = current.filter((t) => !notReady.has(t.NodeID ?? ''));
  // a global service wants one task per eligible node: Swarm's own count of them (its task on a
  // down node stays with that node, never moved, so it is not waited for)
  const desired = global ? Math.max(1, onReadyNodes.length) : info.Spec?.Mode?.Replicated?.Replicas ?? 1;
  const stranded = global ? 0 : tasks.filter((t) => notReady.has(t.NodeID ?? '')).length;
  const running = onReadyNodes.filter((t) => t.Status?.State === 'running').length;
  if (running >= desired && current.length === tasks.length && stranded === 0) return { service, state: 'updated', running };
  const old = tasks.length - current.length;
  return { service, state: 'rolling', detail: `${running} of ${desired} new tasks run healthy${old > 0 ? `, ${old} old still run` : ''}${stranded > 0 ? `, ${stranded} on a node that is down` : ''}` };
}

/** `2 new and 1 old task`: what runs healthy on the ready nodes. */
function servingLeft(tasks: readonly GateTask[], specImage: string | undefined, notReady: ReadonlySet<string>): string {
  const serving = tasks.filter((t) => t.desiredState === 'running' && t.state === 'running' && !notReady.has(t.nodeId ?? ''));
  const fresh = serving.filter((t) => t.image === specImage).length;
  const old = serving.length - fresh;
  const counted = [fresh > 0 && `${fresh} new`, old > 0 && `${old} old`].filter(Boolean).join(' and ');
  return serving.length === 0 ? 'no task' : `${counted} task${serving.length === 1 ? '' : 's'}`;
}

const gateTasks = (tasks: readonly ApiTask[]): GateTask[] => tasks.map((t) => ({
  serviceId: t.ServiceID ?? '', slot: t.Slot, nodeId: t.NodeID, desiredState: t.DesiredState ?? '', state: t.Status?.State ?? '', image: withoutDigest(t.Spec?.ContainerSpec?.Image),
}));

async function readNodes(docker: Docker): Promise<GateNode[]> {
  const nodes = await swarmNodes(docker);
  return nodes.map((n) => ({ id: n.ID ?? '', hostname: n.Description?.Hostname ?? n.ID ?? '', state: n.Status?.State ?? 'unknown', message: n.Status?.Message || undefined }));
}

/** Every task of the stack's services, every desired state: what the lost nodes held and what replaced it. */
async function stackTasks(docker: Docker, stack: string, services: readonly string[]): Promise<GateTask[]> {
  return gateTasks(await serviceTasks(docker, services.map((service) => `${stack}_${service}`)));
}

/** How the gate ended: each service's outcome, and a sentence (no period) per node lost on the way. */
export interface GateResult {
  outcomes: ServiceOutcome[];
  nodesLost: string[];
}

/**
 * Follows the services until none is rolling; each one's outcome. A node that was ready
 * and is not (Swarm stopped hearing its heartbeat) is said once when seen, its tasks are
 * not counted as running, and the result says where Swarm rescheduled them. Past the
 * deadline, a SwarmGateTimeoutError names what still rolls (Swarm goes on with it) and
 * the nodes lost. No signal: the stack has changed by then, and the deploy finishes
 * saying what runs.
 */
export async function followUpdate(
  docker: Docker,
  stack: string,
  expected: Record<string, string | undefined>,
  options: { timeoutMs: number; onStatus: (line: string) => void },
): Promise<GateResult> {
  const deadline = Date.now() + options.timeoutMs;
  const atStart = await readNodes(docker);
  const saidDown = new Set<string>();
  let said = '';
  for (;;) {
    const nodes = await readNodes(docker);
    const lost = nodesLost(atStart, nodes);
    for (const node of lost.filter((n) => !saidDown.has(n.id))) {
      saidDown.add(node.id);
      options.onStatus(nodeWentDownLine(node));
    }
    const outcomes: ServiceOutcome[] = [];
    for (const [service, image] of Object.entries(expected)) outcomes.push(await readServiceOutcome(docker, stack, service, image, nodes));
    const rolling = outcomes.filter((o): o is Extract<ServiceOutcome, { state: 'rolling' }> => o.state === 'rolling');
    const tasks = lost.length > 0 ? await stackTasks(docker, stack, Object.keys(expected)) : [];
    const losses = () => lost.map((node) => nodeLossSentence(node, tasks, nodes));
    // a stalled update is said once Swarm has run the lost nodes' tasks elsewhere (after its
    // restart delay): until then what serves is not yet what will serve while the update waits
    const settling = outcomes.some((o) => o.state === 'stalled') && lost.some((node) => awaitingReschedule(node, tasks, nodes) > 0);
    if (rolling.length === 0 && (!settling || Date.now() > deadline)) return { outcomes, nodesLost: losses() };
    const line = rolling.length > 0 ? rolling.map((o) => `${o.service}: ${o.detail}`).join('; ') : `Waiting for Swarm to reschedule the tasks of ${lost.map((n) => n.hostname).join(' and ')}`;
    if (line !== said) options.onStatus(line);
    said = line;
    if (Date.now() > deadline) {
      const lossesSaid = losses().map((sentence) => `; ${sentence}`).join('');
      throw new SwarmGateTimeoutError(`Not every new task ran healthy within ${Math.round(options.timeoutMs / 1000)} s (${line})${lossesSaid}; Swarm goes on with the update, so look at the stack's tasks before deploying again.`);
    }
    await sleep(1000);
  }
}
