import type Docker from 'dockerode';
import { DualEnvError } from '../common/errors';
import { serviceContainers } from './liveImages';

/** A service did not become healthy after a deploy: which one and why. */
export class HealthGateError extends DualEnvError {
  readonly exitCode = 1;
  constructor(message: string, readonly service: string, readonly reason: string) {
    super(message);
  }
}

export interface HealthWaitOptions {
  timeoutMs: number;
  /** Status lines while waiting (`production-backend: starting`). */
  onStatus?: (line: string) => void;
  pollMs?: number;
}

/** A service restarting this often after being recreated is crashing, not starting. */
const CRASH_RESTARTS = 2;

/** The last lines a container wrote (docker's multiplexed log frames stripped). */
async function logTail(docker: Docker, containerId: string): Promise<string> {
  try {
    const raw = (await docker.getContainer(containerId).logs({ stdout: true, stderr: true, tail: 3, follow: false })) as unknown as Buffer;
    const lines: string[] = [];
    for (let offset = 0; offset + 8 <= raw.length; ) {
      const size = raw.readUInt32BE(offset + 4);
      lines.push(raw.subarray(offset + 8, offset + 8 + size).toString('utf8'));
      offset += 8 + size;
    }
    return lines.join('').trim().split('\n').slice(-3).join(' | ').slice(0, 300);
  } catch {
    return '';
  }
}

type Verdict = { state: 'healthy' } | { state: 'pending'; why: string } | { state: 'failed'; why: string };

async function verdictOf(docker: Docker, container: Docker.ContainerInfo | undefined): Promise<Verdict> {
  if (!container) return { state: 'pending', why: 'no container' };
  const info = await docker.getContainer(container.Id).inspect();
  const state = info.State;
  const health = state.Health?.Status;
  if (state.Running && !state.Restarting && (health === 'healthy' || !state.Health)) return { state: 'healthy' };
  // a crash explains more than the failing healthcheck it causes, so it is checked first
  if (info.RestartCount >= CRASH_RESTARTS || state.Status === 'exited' || state.Status === 'dead') {
    const logs = await logTail(docker, container.Id);
    const what = state.Status === 'exited' || state.Status === 'dead' ? `it exited with code ${state.ExitCode}` : `it keeps crashing (restarted ${info.RestartCount} times)`;
    return { state: 'failed', why: `${what}${logs ? `; last output: ${logs}` : ''}` };
  }
  if (health === 'unhealthy') {
    const probe = state.Health?.Log?.at(-1)?.Output?.trim().slice(0, 200);
    const logs = await logTail(docker, container.Id);
    return { state: 'failed', why: `its healthcheck fails${probe ? ` (${probe})` : ''}${logs ? `; last output: ${logs}` : ''}` };
  }
  return { state: 'pending', why: health ? `health ${health}` : state.Status };
}

/**
 * Waits until every service's container runs and, when it has a healthcheck,
 * reports healthy. Fails as soon as one is unhealthy or crash-looping, or at the
 * timeout, naming the service and the reason.
 */
export async function waitForHealth(docker: Docker, projectName: string, services: readonly string[], options: HealthWaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let reported = '';
  for (;;) {
    const containers = await serviceContainers(docker, projectName, services);
    const verdicts = await Promise.all(services.map(async (service) => [service, await verdictOf(docker, containers.get(service))] as const));
    const failed = verdicts.find(([, v]) => v.state === 'failed');
    if (failed) {
      const why = (failed[1] as { why: string }).why;
      throw new HealthGateError(`${failed[0]} did not become healthy: ${why}. Check its logs (dual-env logs) before deploying again.`, failed[0], why);
    }
    const pending = verdicts.filter(([, v]) => v.state === 'pending').map(([service, v]) => `${service}: ${(v as { why: string }).why}`);
    if (pending.length === 0) return;
    const line = `waiting for ${pending.join(', ')}`;
    if (line !== reported) options.onStatus?.(line);
    reported = line;
    if (Date.now() >= deadline) {
      const [service] = pending[0].split(':');
      throw new HealthGateError(`${pending.join('; ')} — not healthy after ${Math.round(options.timeoutMs / 1000)} s; check the logs, or raise healthTimeoutSeconds if it only starts slowly.`, service, 'timeout');
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}
