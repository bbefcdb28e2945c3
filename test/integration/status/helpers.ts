import assert from 'node:assert/strict';
import path from 'node:path';
import Docker from 'dockerode';
import { loadConfig, type DualEnvConfig } from '../../../src/core/config';
import type { EnvironmentStatus } from '../../../src/core/docker/discovery';
import type { StatusMonitor } from '../../../src/core/docker/statusMonitor';
import { composeFile, projectContainers } from '../../rig';

/** The worktree's compose file as the CLI reads it (the rig's .env gives the project name and ports). */
export function rigConfig(): DualEnvConfig {
  return loadConfig(path.resolve(composeFile));
}

/** A client of its own whose every API request is recorded as `METHOD /path`, to count what the code under test asks. */
export function countingDocker(): { docker: Docker; requests: string[] } {
  const docker = new Docker();
  const requests: string[] = [];
  const modem = docker.modem as unknown as { dial: (options: { method: string; path: string }, callback: unknown) => unknown };
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => {
    requests.push(`${options.method} ${options.path.split('?')[0]}`);
    return dial(options, callback);
  };
  return { docker, requests };
}

/** Resolves with the first snapshot (the current one included) that satisfies `accept`. */
export function snapshotWhere(monitor: StatusMonitor, accept: (snapshot: EnvironmentStatus[]) => boolean): Promise<EnvironmentStatus[]> {
  return new Promise((resolve) => {
    const current = monitor.snapshot();
    if (accept(current)) return resolve(current);
    const unsubscribe = monitor.subscribe((snapshot) => {
      if (!accept(snapshot)) return;
      unsubscribe();
      resolve(snapshot);
    });
  });
}

export const allHealthy = (snapshot: EnvironmentStatus[]) =>
  // production has its edge beside frontend, backend and database
  snapshot.length === 2 && snapshot.every((e) => e.health === 'healthy' && e.containers.length === (e.environment === 'production' ? 4 : 3));

/** Runs a shell script in the service's running container with its output going to the container's log (PID 1's stdout). */
export async function printInContainer(docker: Docker, service: string, script: string): Promise<void> {
  const running = (await projectContainers(docker, [service])).find((c) => c.State === 'running');
  assert.ok(running, `${service} runs`);
  const exec = await docker.getContainer(running.Id).exec({ Cmd: ['sh', '-c', `{ ${script}; } > /proc/1/fd/1`], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  await new Promise((resolve) => { stream.on('end', resolve); stream.resume(); });
}
