// What the bench scripts share: running tasks a few at a time, percentiles, waiting for a
// status monitor's snapshot, and writing a script's own section into BENCHMARKS.md.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type Docker from 'dockerode';
import type { EnvironmentStatus } from '../../src/core/docker/discovery';
import type { StatusMonitor } from '../../src/core/docker/statusMonitor';
import { RIG_LABEL, repoRoot } from '../../test/rig/paths';

export async function inParallel(tasks: Array<() => Promise<unknown>>, width: number): Promise<void> {
  const queue = [...tasks];
  await Promise.all(Array.from({ length: width }, async () => {
    for (let task = queue.shift(); task; task = queue.shift()) await task();
  }));
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
export const ms = (value: number) => `${value.toFixed(0)} ms`;

/** Resolves with the first snapshot (the current one included) that `accept` takes. */
export function nextSnapshot(monitor: StatusMonitor, accept: (s: EnvironmentStatus[]) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (accept(monitor.snapshot())) return resolve();
    const unsubscribe = monitor.subscribe((snapshot) => {
      if (accept(snapshot)) {
        unsubscribe();
        resolve();
      }
    });
  });
}

/**
 * Writes `section` into BENCHMARKS.md in place of the section starting with `heading`
 * (an earlier run's), or at the end; other sections are left as they are.
 */
export function recordSection(heading: string, section: string): void {
  const file = path.join(repoRoot, 'BENCHMARKS.md');
  const header = '# Benchmarks\n\nTimings are recorded here, never asserted in tests.\n';
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : header;
  const start = text.indexOf(heading);
  const end = start < 0 ? -1 : text.indexOf('\n## ', start + 1);
  const updated = start < 0
    ? `${text.trimEnd()}\n\n${section}\n`
    : `${text.slice(0, start)}${section}\n${end < 0 ? '' : text.slice(end)}`;
  fs.writeFileSync(file, updated);
  console.log(`recorded in ${path.relative(process.cwd(), file)}`);
}

export const benchServiceName = (i: number) => `bench-${String(i).padStart(3, '0')}`;

/**
 * One container of `image` running `sleep infinity` per service of a compose-labelled
 * bench project, `width` created at a time; `skip` stops early (a bench being stopped).
 */
export async function startSleepingContainers(
  docker: Docker, image: string, project: string, count: number, width: number, skip: () => boolean = () => false,
): Promise<string[]> {
  const ids: string[] = new Array(count);
  await inParallel(Array.from({ length: count }, (_, i) => async () => {
    if (skip()) return;
    const container = await docker.createContainer({
      Image: image, Cmd: ['sleep', 'infinity'], name: `${project}-${benchServiceName(i)}`,
      Labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': benchServiceName(i), [RIG_LABEL]: '1' },
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    ids[i] = container.id;
  }), width);
  return ids;
}

/**
 * Stops the first `count` containers one at a time and measures, for each, the time
 * from the stop call to the monitor's snapshot showing it exited, and the stop call alone.
 */
export async function stopLatencies(monitor: StatusMonitor, docker: Docker, ids: readonly string[], count: number): Promise<{ latencies: number[]; stopCalls: number[] }> {
  const latencies: number[] = [];
  const stopCalls: number[] = [];
  for (let i = 0; i < count; i++) {
    const service = benchServiceName(i);
    const seen = nextSnapshot(monitor, (s) => s[0].containers.some((c) => c.service === service && c.state === 'exited'));
    const start = performance.now();
    await docker.getContainer(ids[i]).stop({ t: 0 });
    stopCalls.push(performance.now() - start);
    await seen;
    latencies.push(performance.now() - start);
  }
  return { latencies, stopCalls };
}
