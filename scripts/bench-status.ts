// npm run bench:status — live status at scale: 200 containers of one project on the
// rig's engine; the time from a container stop to the subscriber's update (median,
// p95 over 30 stops) and the CPU an idle subscription uses over 60 s. Prints the
// figures and records them in BENCHMARKS.md. Removes its containers even when
// interrupted (Ctrl-C, SIGTERM) and removes leftovers of an interrupted run first.
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import type { DualEnvConfig, Environment } from '../src/core/config';
import { createStatusMonitor } from '../src/core/docker/statusMonitor';
import { startRig } from '../test/rig';
import { BASE_IMAGE, RIG_LABEL, projectName, repoRoot } from '../test/rig/paths';
import { benchServiceName, inParallel, ms, nextSnapshot, percentile, recordSection, startSleepingContainers, stopLatencies } from './bench/benchHelpers';

const CONTAINERS = Number(process.env.BENCH_CONTAINERS ?? 200);
const STOPS = Number(process.env.BENCH_STOPS ?? 30);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const COALESCE_MS = 150;
const benchProject = `${projectName}-bench`;
const serviceName = benchServiceName;

const docker = new Docker();
/** Set on Ctrl-C: no more containers are created, so the clean-up sees them all. */
let stopping = false;
let creating: Promise<unknown> = Promise.resolve();

async function removeBenchContainers(): Promise<number> {
  const ours = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${benchProject}`, RIG_LABEL] } });
  await inParallel(ours.map((c) => () => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)), 8);
  return ours.length;
}

function benchConfig(): DualEnvConfig {
  const environment: Environment = {
    name: 'bench', label: 'Bench', isProduction: false,
    services: Array.from({ length: CONTAINERS }, (_, i) => serviceName(i)),
    branchPattern: '*', requireStagingFirst: false,
    backups: { folder: path.join(os.tmpdir(), 'dual-env-bench-backups'), retention: 1 },
    healthTimeoutSeconds: 60,
  };
  return {
    file: '(benchmark)', projectDir: repoRoot, projectName: benchProject, environments: [environment],
    services: new Map(), declared: true, variables: {},
  };
}

async function idleCpuMs(seconds: number): Promise<number> {
  const before = process.cpuUsage();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

async function main(): Promise<void> {
  await startRig([]);
  const leftovers = await removeBenchContainers();
  if (leftovers) console.log(`removed ${leftovers} containers left by an interrupted run`);

  console.log(`creating ${CONTAINERS} containers of ${BASE_IMAGE} running \`sleep infinity\` (project ${benchProject})`);
  const created = performance.now();
  const starting = startSleepingContainers(docker, BASE_IMAGE, benchProject, CONTAINERS, 6, () => stopping);
  creating = starting;
  const ids = await starting;
  if (stopping) return;
  console.log(`  ${CONTAINERS} running after ${((performance.now() - created) / 1000).toFixed(0)} s`);

  const monitor = createStatusMonitor({ config: benchConfig(), dockerFor: () => docker, coalesceMs: COALESCE_MS });
  const synced = performance.now();
  monitor.start();
  await nextSnapshot(monitor, (s) => s[0].health === 'healthy' && s[0].containers.length === CONTAINERS);
  const syncMs = performance.now() - synced;
  console.log(`  first snapshot (one list + ${CONTAINERS} inspects): ${ms(syncMs)}`);

  const { latencies, stopCalls } = await stopLatencies(monitor, docker, ids, STOPS);
  latencies.sort((a, b) => a - b);
  stopCalls.sort((a, b) => a - b);
  console.log(`  stop → update over ${STOPS} stops: median ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))} (the stop call itself: median ${ms(percentile(stopCalls, 50))}; coalescing window ${COALESCE_MS} ms)`);

  await new Promise((r) => setTimeout(r, 2000)); // let the last refresh settle
  const cpuMs = await idleCpuMs(IDLE_SECONDS);
  const share = (cpuMs / (IDLE_SECONDS * 1000)) * 100;
  console.log(`  idle subscription over ${IDLE_SECONDS} s: ${cpuMs.toFixed(1)} ms CPU (${share.toFixed(3)} % of one core)`);
  monitor.dispose();

  recordSection('## Live status (', [
    `## Live status (\`npm run bench:status\`)`,
    '',
    `${CONTAINERS} containers (\`sleep infinity\` on the rig's base image, one compose project, no health checks) on the shared rig engine; measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Docker ${(await docker.version()).Version}, Node ${process.versions.node}.`,
    `The monitor syncs with one list call, then follows Docker's event stream filtered to the project, coalescing events for ${COALESCE_MS} ms.`,
    '',
    '| measure | figure |',
    '|---|---|',
    `| first snapshot (1 list + ${CONTAINERS} inspects) | ${ms(syncMs)} |`,
    `| container stop → subscriber update, median of ${STOPS} | ${ms(percentile(latencies, 50))} |`,
    `| container stop → subscriber update, p95 of ${STOPS} | ${ms(percentile(latencies, 95))} |`,
    `| the \`stop\` API call alone (t=0), median | ${ms(percentile(stopCalls, 50))} |`,
    `| CPU of the process with an idle subscription over ${IDLE_SECONDS} s (process.cpuUsage) | ${cpuMs.toFixed(1)} ms (${share.toFixed(3)} % of a core) |`,
    '',
    'The update latency is the stop itself plus the coalescing window plus one inspect of the stopped container; an idle subscription makes no requests (no polling).',
  ].join('\n'));
}

let cleaning: Promise<unknown> | undefined;
const cleanUp = () => (cleaning ??= creating.catch(() => undefined)
  .then(() => removeBenchContainers())
  .then((n) => console.log(`removed ${n} benchmark containers`)));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  // `on`, not `once`: tsx relays the terminal's signal, so it can arrive twice, and a
  // second one must not kill the process halfway through the clean-up
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}
main().then(
  () => cleanUp(),
  async (error: unknown) => {
    console.error(`bench:status failed: ${error instanceof Error ? error.message : String(error)}`);
    await cleanUp();
    process.exitCode = 1;
  },
);
