import type Docker from 'dockerode';
import { CancelledError, DualEnvError, type DualEnvErrorOptions } from '../common/errors';
import type { Remedy } from '../common/remedies';
import { redactSecrets } from '../common/process';
import { secretsOf, type DualEnvConfig } from '../config';
import { missingContainer, readProjectContainers, type ContainerStatus } from '../docker/discovery';
import { FrameDecoder } from '../docker/frames';

/** A service did not become healthy after a deploy: which one and why. */
export class HealthGateError extends DualEnvError {
  readonly exitCode = 1;
  constructor(message: string, readonly service: string, readonly reason: string, options?: DualEnvErrorOptions) {
    super(message, options);
  }
}

export interface HealthWaitOptions {
  timeoutMs: number;
  /** Status lines while waiting (`production-backend: starting`). */
  onStatus?: (line: string) => void;
  pollMs?: number;
  /** Stops the wait (the containers stay as they are); only for operations a cancel may end here. */
  signal?: AbortSignal;
  /** Service → the ids of its new containers: only they count for it, not the old ones still serving beside them. */
  newContainers?: ReadonlyMap<string, readonly string[]>;
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    // a cancel that came while the status was being read ends the wait now, not a poll later
    if (signal?.aborted) { resolve(); return; }
    const done = () => { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A service restarting this often after being recreated is crashing, not starting. */
const CRASH_RESTARTS = 2;

/** The last lines a container wrote. */
async function logTail(docker: Docker, containerId: string): Promise<string> {
  try {
    const raw = (await docker.getContainer(containerId).logs({ stdout: true, stderr: true, tail: 3, follow: false })) as unknown as Buffer;
    const text = new FrameDecoder().push(raw).map((frame) => frame.payload.toString('utf8')).join('');
    return text.trim().split('\n').slice(-3).join(' | ').slice(0, 300);
  } catch {
    return '';
  }
}

type Verdict = { state: 'healthy' } | { state: 'pending' | 'failed'; why: string };

async function verdictOf(docker: Docker, container: ContainerStatus, secrets: readonly string[]): Promise<Verdict> {
  if (container.state === 'missing') return { state: 'pending', why: 'no container' };
  if (container.state === 'running' && (container.health === 'healthy' || container.health === 'none')) return { state: 'healthy' };
  const output = async () => {
    // an app that prints its settings as it dies must not put a password into an error, the history or a notification
    const logs = container.containerId ? redactSecrets(await logTail(docker, container.containerId), secrets) : '';
    return logs ? `; last output: ${logs}` : '';
  };
  // a crash explains more than the failing healthcheck it causes, so it is checked first
  if (container.restartCount >= CRASH_RESTARTS || container.state === 'exited' || container.state === 'dead') {
    const what = container.state === 'exited' || container.state === 'dead' ? `it is ${container.state}` : `it keeps crashing (restarted ${container.restartCount} times)`;
    return { state: 'failed', why: `${what}${await output()}` };
  }
  if (container.health === 'unhealthy') {
    return { state: 'failed', why: `its healthcheck fails${container.healthLog ? ` (${redactSecrets(container.healthLog, secrets).slice(0, 200)})` : ''}${await output()}` };
  }
  return { state: 'pending', why: container.health === 'starting' ? 'health starting' : container.state };
}

/** Show Logs for the environment the service belongs to. */
function logsOf(config: DualEnvConfig, service: string): Remedy[] {
  const environment = config.environments.find((e) => e.services.includes(service));
  return environment ? [{ kind: 'showLogs', environment: environment.name, service }] : [];
}

/**
 * The deploy's health gate: waits until every service's container runs and,
 * when it has a healthcheck, reports healthy (read through the status issue's
 * discovery). Fails as soon as one is unhealthy or crash-looping, or at the
 * timeout, naming the service and the reason.
 */
export async function waitForHealth(docker: Docker, config: DualEnvConfig, services: readonly string[], options: HealthWaitOptions): Promise<void> {
  const secrets = secretsOf(config);
  const deadline = Date.now() + options.timeoutMs;
  let reported = '';
  for (;;) {
    if (options.signal?.aborted) throw new CancelledError(`Stopped waiting for ${services.join(', ')} to be healthy; they keep running as they are.`);
    const containers = await readProjectContainers(docker, config.projectName, services, secrets);
    // a half-created replacement may sit beside the running container: judge the running one
    const pick = (service: string) => {
      const fresh = options.newContainers?.get(service);
      const own = containers.filter((c) => c.service === service && (!fresh || fresh.includes(c.containerId ?? '')));
      return own.find((c) => c.state === 'running') ?? own[0] ?? missingContainer(service);
    };
    const verdicts = await Promise.all(services.map(async (service) => [service, await verdictOf(docker, pick(service), secrets)] as const));
    const failed = verdicts.find(([, v]) => v.state === 'failed');
    if (failed) {
      const why = (failed[1] as { why: string }).why;
      throw new HealthGateError(`${failed[0]} did not become healthy: ${why}. Check its logs before deploying again.`, failed[0], why, { remedies: logsOf(config, failed[0]) });
    }
    const pending = verdicts.filter(([, v]) => v.state === 'pending').map(([service, v]) => `${service}: ${(v as { why: string }).why}`);
    if (pending.length === 0) return;
    const line = `waiting for ${pending.join(', ')}`;
    if (line !== reported) options.onStatus?.(line);
    reported = line;
    if (Date.now() >= deadline) {
      const [service] = pending[0].split(':');
      throw new HealthGateError(`${pending.join('; ')} — not healthy after ${Math.round(options.timeoutMs / 1000)} s; check the logs, or raise healthTimeoutSeconds if it only starts slowly.`, service, 'timeout', { remedies: logsOf(config, service) });
    }
    await pause(options.pollMs ?? 500, options.signal);
  }
}
