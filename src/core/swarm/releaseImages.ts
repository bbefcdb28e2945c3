// A Swarm release's images: built on the manager (as a remote Compose deploy builds on
// its server) from a clean export of the released commit, tagged
// `<registry>/<stack>/<service>:<commit>` and pushed from the manager, the only
// place that needs to reach the registry besides the nodes. Nothing of the running
// stack changes here.
import type Docker from 'dockerode';
import { CommandFailedError, errorMessage } from '../common/errors';
import { buildServices, type ComposeTarget } from '../compose/composeRunner';
import { callDocker } from '../docker/client';
import { configuredImage } from '../operations/liveImages';
import { buildingFrom, exportRelease, type ReleaseContexts } from '../operations/releaseSource';
import type { DualEnvConfig } from '../config';
import type { GitRepository } from '../git';
import type { HealthTiming } from './stackFile';

/** The reference a service's release image is pushed as: the commit is the version. */
export const releaseImage = (registry: string, stack: string, service: string, commit: string) => `${registry}/${stack}/${service}:${commit}`;

export interface BuiltRelease {
  /** Service → the pushed reference. */
  images: Record<string, string>;
  /** Service → the health check its image carries, if any (for how long Swarm watches a new task). */
  health: Record<string, HealthTiming | undefined>;
}

/** Builds the services on the manager from the commit's export; rejects with Compose's own sentence. */
export async function buildOnManager(repo: GitRepository, target: ComposeTarget, commit: string, contexts: ReleaseContexts, services: readonly string[], onLine: (line: string) => void): Promise<void> {
  const source = await exportRelease(repo, commit, contexts);
  try {
    await buildServices(buildingFrom(target, source), services, { onLine });
  } finally {
    source.remove();
  }
}

const NS = 1_000_000_000;

function imageHealth(config: { Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number } } | undefined): HealthTiming | undefined {
  const check = config?.Healthcheck;
  if (!check?.Test || check.Test[0] === 'NONE') return undefined;
  return {
    intervalSeconds: (check.Interval || 30 * NS) / NS,
    timeoutSeconds: (check.Timeout || 30 * NS) / NS,
    retries: check.Retries || 3,
    startPeriodSeconds: (check.StartPeriod ?? 0) / NS,
  };
}

/** Tags each built image with its release reference and pushes it from the manager; the first failed push rejects in one sentence. */
export async function tagAndPush(manager: Docker, config: DualEnvConfig, services: readonly string[], reference: (service: string) => string, onLine: (line: string) => void): Promise<BuiltRelease> {
  const images: Record<string, string> = {};
  const health: Record<string, HealthTiming | undefined> = {};
  for (const service of services) {
    const built = await callDocker(manager, () => manager.getImage(configuredImage(config, service)).inspect());
    const ref = reference(service);
    const at = ref.lastIndexOf(':');
    await callDocker(manager, () => manager.getImage(built.Id).tag({ repo: ref.slice(0, at), tag: ref.slice(at + 1) }));
    onLine(`Pushing ${ref}`);
    await pushFromManager(manager, ref);
    images[service] = ref;
    health[service] = imageHealth(built.Config);
  }
  return { images, health };
}

async function pushFromManager(manager: Docker, ref: string): Promise<void> {
  const at = ref.lastIndexOf(':');
  const stream = await callDocker(manager, () => manager.getImage(ref).push({ tag: ref.slice(at + 1) }) as Promise<NodeJS.ReadableStream>);
  await new Promise<void>((resolve, reject) => {
    manager.modem.followProgress(stream, (error: Error | null, events: Array<{ error?: string }>) => {
      const failed = error ? errorMessage(error) : events.find((event) => event.error)?.error;
      if (failed) reject(new CommandFailedError(`Pushing ${ref} from the manager failed: ${failed.replace(/[.\s]+$/, '')}; check that the manager reaches the registry and that its engine trusts it.`, null, ''));
      else resolve();
    });
  });
}

