// What a Swarm deploy and our Swarm rollback both do to the stack: read the images its
// services' specs name, write the stack file with given images and run `docker stack
// deploy` against the manager, then follow Swarm's rolling update to its end.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { runChecked } from '../common/process';
import type { ProgressReporter } from '../common/progress';
import type { DualEnvConfig, Environment } from '../config';
import { loadVariables } from '../config/interpolate';
import { composeHealthTiming, renderStackFile, type HealthTiming, type SwarmServicePlan } from './stackFile';
import { inspectSwarmService } from './swarmApi';
import { followUpdate, type GateResult } from './updateGate';

type SwarmEnvironment = Environment & { swarm: { stack: string } };

/** The manager's engine, as the docker CLI and Compose are pointed at it. */
export const managerVariables = (environment: Environment): Record<string, string> => (environment.dockerHost ? { DOCKER_HOST: environment.dockerHost } : {});

/** Service → the image its Swarm service's spec names now (none for a service not deployed yet). */
export async function specImages(docker: Docker, environment: SwarmEnvironment): Promise<Record<string, string>> {
  const images: Record<string, string> = {};
  for (const service of environment.services) {
    const name = `${environment.swarm.stack}_${service}`;
    const info = await inspectSwarmService<{ Spec?: { TaskTemplate?: { ContainerSpec?: { Image?: string } } } }>(docker, name);
    const image = info?.Spec?.TaskTemplate?.ContainerSpec?.Image;
    if (image) images[service] = image;
  }
  return images;
}

export interface StackDeploy {
  config: DualEnvConfig;
  environment: SwarmEnvironment;
  /** The project's compose file as a document. */
  document: Record<string, unknown>;
  /** Service → the image its service runs (built services). */
  images: Record<string, string>;
  plan: readonly SwarmServicePlan[];
  /** Health timing the compose file does not give, per service (the images' own checks). */
  health?: Record<string, HealthTiming | undefined>;
  progress: ProgressReporter;
}

/** Writes the stack file and runs `docker stack deploy` against the manager; the file is removed after. */
export async function deployStackFile(deploy: StackDeploy): Promise<void> {
  const { environment, progress, document } = deploy;
  const health = Object.fromEntries(environment.services.map((service) => [service, composeHealthTiming(document, service) ?? deploy.health?.[service]]));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-stack-'));
  const file = path.join(dir, `${environment.swarm.stack}.yml`);
  try {
    fs.writeFileSync(file, renderStackFile(document, { images: deploy.images, plan: deploy.plan, health }));
    progress.running('deploy', `docker stack deploy ${environment.swarm.stack}: a rolling update, one task at a time`);
    // detached (the only mode of older CLIs): the gate follows the update itself. Images are
    // named by commit, so there is no digest to resolve, and the client need not reach the registry.
    await runChecked('docker', ['stack', 'deploy', '--compose-file', file, '--resolve-image', 'never', environment.swarm.stack], `docker stack deploy of ${environment.swarm.stack}`, {
      cwd: deploy.config.projectDir,
      // docker stack deploy interpolates the file's ${VAR}s but, unlike Compose, never reads .env
      env: { ...loadVariables(path.join(deploy.config.projectDir, '.env')), ...managerVariables(environment) },
      onLine: (line) => { if (line.trim()) progress.log('deploy', line); },
    });
    progress.done('deploy', `Stack ${environment.swarm.stack} updated; Swarm rolls the services`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Follows Swarm's update until every service is updated, rolled back or paused; `images`:
 * service → the image expected (built services). Each node lost on the way is said on the
 * progress with where Swarm rescheduled its tasks.
 */
export async function gateStack(docker: Docker, environment: SwarmEnvironment, images: Record<string, string>, timeoutMs: number, progress: ProgressReporter): Promise<GateResult> {
  progress.running('health', `Waiting up to ${timeoutMs / 1000} s for every new task to run healthy`);
  const expected = Object.fromEntries(environment.services.map((service) => [service, images[service]]));
  const result = await followUpdate(docker, environment.swarm.stack, expected, { timeoutMs, onStatus: (line) => progress.log('health', line) });
  for (const sentence of result.nodesLost) progress.log('health', sentence);
  return result;
}
