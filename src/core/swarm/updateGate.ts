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

interface ServiceInfo {
  Spec?: { TaskTemplate?: { ContainerSpec?: { Image?: string } }; Mode?: { Replicated?: { Replicas?: number }; Global?: object } };
  UpdateStatus?: { State?: string; Message?: string };
}

interface TaskInfo {
  NodeID?: string;
  DesiredState?: string;
  CreatedAt?: string;
  Spec?: { ContainerSpec?: { Image?: string } };
  Status?: { State?: string; Err?: string };
}

/** Where one service stands: still rolling, done on the new spec, or rolled back or stopped by Swarm. */
export type ServiceOutcome =
  | { service: string; state: 'rolling'; detail: string }
  | { service: string; state: 'updated'; running: number }
  | { service: string; state: 'rolled-back'; reason?: string }
  | { service: string; state: 'paused'; reason: string };

/** The gate's deadline passed with a service still rolling. */
export class SwarmGateTimeoutError extends DualEnvError {
  readonly exitCode = 1;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A task's image without the digest Swarm may pin (`ref@sha256:…`). */
const withoutDigest = (image: string | undefined) => image?.replace(/@sha256:[0-9a-f]+$/, '');

/** The newest failed task of the expected image: why its new version did not hold. */
async function failureOf(docker: Docker, name: string, image: string | undefined): Promise<string | undefined> {
  const tasks = await callDocker(docker, () => docker.listTasks({ filters: { service: [name] } }) as Promise<TaskInfo[]>);
  const failed = tasks
    .filter((t) => (!image || withoutDigest(t.Spec?.ContainerSpec?.Image) === image) && ['failed', 'rejected', 'shutdown'].includes(t.Status?.State ?? '') && t.Status?.Err)
    .sort((a, b) => (b.CreatedAt ?? '').localeCompare(a.CreatedAt ?? ''));
  return failed[0]?.Status?.Err;
}

/**
 * One look at a service: `expected` is the image the deploy pushed for it (undefined for a
 * service whose image the deploy left as the file names it: then its spec's image is expected).
 */
export async function readServiceOutcome(docker: Docker, stack: string, service: string, expected: string | undefined): Promise<ServiceOutcome> {
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
  if (state === 'updating' || state === 'rollback_started') return { service, state: 'rolling', detail: `Swarm is ${state === 'updating' ? 'updating' : 'rolling back'} it` };
  const tasks = await callDocker(docker, () => docker.listTasks({ filters: { service: [name], 'desired-state': ['running'] } }) as Promise<TaskInfo[]>);
  const current = tasks.filter((t) => withoutDigest(t.Spec?.ContainerSpec?.Image) === specImage);
  // a global service wants one task per eligible node: Swarm's own count of them
  const desired = info.Spec?.Mode?.Global ? Math.max(1, current.length) : info.Spec?.Mode?.Replicated?.Replicas ?? 1;
  const running = current.filter((t) => t.Status?.State === 'running').length;
  if (running >= desired && current.length === tasks.length) return { service, state: 'updated', running };
  const old = tasks.length - current.length;
  return { service, state: 'rolling', detail: `${running} of ${desired} new tasks run healthy${old > 0 ? `, ${old} old still run` : ''}` };
}

/**
 * Follows the services until none is rolling; each one's outcome. Past the deadline,
 * a SwarmGateTimeoutError names what still rolls (Swarm goes on with it). No signal:
 * the stack has changed by then, and the deploy finishes saying what runs.
 */
export async function followUpdate(
  docker: Docker,
  stack: string,
  expected: Record<string, string | undefined>,
  options: { timeoutMs: number; onStatus: (line: string) => void },
): Promise<ServiceOutcome[]> {
  const deadline = Date.now() + options.timeoutMs;
  let said = '';
  for (;;) {
    const outcomes: ServiceOutcome[] = [];
    for (const [service, image] of Object.entries(expected)) outcomes.push(await readServiceOutcome(docker, stack, service, image));
    const rolling = outcomes.filter((o): o is Extract<ServiceOutcome, { state: 'rolling' }> => o.state === 'rolling');
    if (rolling.length === 0) return outcomes;
    const line = rolling.map((o) => `${o.service}: ${o.detail}`).join('; ');
    if (line !== said) options.onStatus(line);
    said = line;
    if (Date.now() > deadline) {
      throw new SwarmGateTimeoutError(`Not every new task ran healthy within ${Math.round(options.timeoutMs / 1000)} s (${line}); Swarm goes on with the update, so look at the stack's tasks before deploying again.`);
    }
    await sleep(1000);
  }
}
