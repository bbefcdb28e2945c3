import type Docker from 'dockerode';
import { DualEnvError, errorMessage, type DualEnvErrorOptions } from '../common/errors';
import { startBeside, type ComposeTarget } from '../compose/composeRunner';
import type { DualEnvConfig } from '../config';
import { isApiError } from '../docker/client';
import { projectFilter, serviceOf } from '../docker/discovery';
import { waitForHealth } from './waitForHealth';

/**
 * The new version did not pass its health gate (or did not start): its containers were
 * removed and the old ones never stopped serving, so production is as it was.
 */
export class NewVersionRejectedError extends DualEnvError {
  readonly exitCode = 1;
  constructor(message: string, options?: DualEnvErrorOptions) {
    super(message, options);
  }
}

export interface BesideInput {
  docker: Docker;
  config: DualEnvConfig;
  target: ComposeTarget;
  /** The services whose new container starts beside the old one. */
  services: readonly string[];
  /** Every service the gate checks: the new containers of `services`, and the others as they run. */
  gated: readonly string[];
  healthTimeoutMs: number;
  log: (line: string) => void;
}

/** Service → ids of its containers (stopped ones too), the project's one-off `run` containers left out. */
async function containersOf(docker: Docker, projectName: string, services: readonly string[]): Promise<Map<string, string[]>> {
  const found = new Map(services.map((service) => [service, [] as string[]]));
  for (const container of await docker.listContainers({ all: true, filters: projectFilter(projectName) })) {
    const service = serviceOf(container.Labels);
    if (service && found.has(service)) found.get(service)!.push(container.Id);
  }
  return found;
}

/** Stops a container with its own stop signal, giving it `seconds` to finish what it serves, then removes it. */
async function stopAndRemove(docker: Docker, id: string, seconds: number): Promise<void> {
  const container = docker.getContainer(id);
  // 304: it had stopped already (a crash-looping new container between two restarts)
  await container.stop({ t: seconds }).catch((error: unknown) => { if (!isApiError(error) || error.statusCode !== 304) throw error; });
  await container.remove({ force: true }).catch((error: unknown) => { if (!isApiError(error) || error.statusCode !== 404) throw error; });
}

/**
 * Starts a new container of each service beside the running one, and waits until
 * every new one is healthy (the other services too). Docker's DNS answers the service's
 * name with both while they run side by side, and the proxy in front retries a refused
 * connection on the other, so requests keep being answered. Returns the old containers,
 * service → ids, for `drainOld`. When a new container fails, it is removed and
 * NewVersionRejectedError says so: the old ones never stopped.
 */
export async function startBesideAndCheck(input: BesideInput): Promise<Map<string, string[]>> {
  const { docker, config, target, services, log } = input;
  const old = await containersOf(docker, config.projectName, services);
  const fresh = new Map<string, string[]>();
  try {
    await startBeside(target, Object.fromEntries(services.map((service) => [service, old.get(service)!.length + 1])), { onLine: log });
    for (const [service, ids] of await containersOf(docker, config.projectName, services)) fresh.set(service, ids.filter((id) => !old.get(service)!.includes(id)));
    await waitForHealth(docker, config, input.gated, { timeoutMs: input.healthTimeoutMs, onStatus: log, newContainers: fresh });
    return old;
  } catch (error) {
    // a failed `up` may have created containers it did not report: whatever is not old is new
    for (const [service, ids] of await containersOf(docker, config.projectName, services)) fresh.set(service, ids.filter((id) => !old.get(service)!.includes(id)));
    const removed = await Promise.all([...fresh.values()].flat().map((id) => stopAndRemove(docker, id, 5).then(() => undefined, (removeError: unknown) => `${id.slice(0, 12)} (${errorMessage(removeError)})`)));
    const left = removed.filter((line): line is string => line !== undefined);
    const cleanup = left.length === 0 ? 'the new containers were removed' : `the new containers ${left.join(', ')} could not be removed; remove them by hand`;
    throw new NewVersionRejectedError(`${errorMessage(error).replace(/[.;\s]+$/, '')}; ${cleanup}, and the running version was never stopped.`, {
      cause: error, remedies: error instanceof DualEnvError ? error.remedies : [],
    });
  }
}

/**
 * Drains and removes the old containers now that the new ones are healthy: each gets
 * its stop signal (SIGTERM; nginx's images use SIGQUIT), stops accepting, finishes the
 * requests in flight within `drainSeconds`, and goes. The proxy retries the refused
 * connections on the new container, which from then on serves alone.
 */
export async function drainOld(docker: Docker, old: ReadonlyMap<string, readonly string[]>, drainSeconds: number, log: (line: string) => void): Promise<void> {
  await Promise.all([...old].flatMap(([service, ids]) => ids.map(async (id) => {
    log(`${service}: draining the old container ${id.slice(0, 12)} (up to ${drainSeconds} s for requests in flight)`);
    await stopAndRemove(docker, id, drainSeconds);
  })));
}
