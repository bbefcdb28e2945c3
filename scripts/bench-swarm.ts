// npm run bench:swarm — live status latency of a Swarm environment on the rig's
// 3-node swarm: a task's container is killed on its worker, and the time is taken
// until the live status (the extension's and the CLI's monitor, following the
// manager's and the nodes' events over ssh://) shows the service below its desired
// replicas, then until it shows it whole again (Swarm's restart delay and the
// replacement's health check included). Median and p90 over several kills, with the
// machine's load; recorded in BENCHMARKS.md. Removes its stack even when interrupted.
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig, type DualEnvConfig } from '../src/core/config';
import type { EnvironmentStatus } from '../src/core/docker/discovery';
import { createStatusMonitor } from '../src/core/docker/statusMonitor';
import { SWARM_WEB_IMAGE, inRegistry, managerDocker, startSwarm, type Swarm } from '../test/rig';
import { repoRoot } from '../test/rig/paths';
import { ms, nextSnapshot, percentile, recordSection } from './bench/benchHelpers';

const KILLS = Number(process.env.BENCH_KILLS ?? 10);
const STACK = 'dual-env-swarm-bench';
const projectFile = path.join(repoRoot, 'test', 'swarm', 'fixtures', 'web-stack.yml');

let swarm: Swarm | undefined;

/** The swarm suite's web project, as the stack this benchmark deploys. */
function benchConfig(): DualEnvConfig {
  const config = loadConfig(projectFile);
  return { ...config, environments: config.environments.map((e) => ({ ...e, swarm: { ...e.swarm, stack: STACK } })) };
}

const whole = (s: EnvironmentStatus[]) => s[0].health === 'healthy';
const short = (s: EnvironmentStatus[]) => (s[0].swarm?.services[0]?.running ?? 0) < (s[0].swarm?.services[0]?.desired ?? 0);
const load = () => os.loadavg()[0].toFixed(1);

async function main(): Promise<void> {
  swarm = await startSwarm((line) => console.log(`[rig] ${line}`));
  process.env.WEB_IMAGE = inRegistry(swarm, SWARM_WEB_IMAGE);
  managerDocker(swarm, ['stack', 'deploy', '--detach=false', '--resolve-image', 'never', '-c', projectFile, STACK], { WEB_IMAGE: process.env.WEB_IMAGE });
  const loadBefore = load();
  const monitor = createStatusMonitor({ config: benchConfig() });
  monitor.start();
  await nextSnapshot(monitor, whole);

  const toShort: number[] = [];
  const toWhole: number[] = [];
  /** From the manager's time of the replacement task turning `running` to the status showing it: our part of the second figure. */
  const behindSwarm: number[] = [];
  for (let run = 0; run < KILLS; run++) {
    const worker = 1 + (run % 2); // nodes[1] and nodes[2]: the workers, in turn
    const hostname = swarm.names.nodes[worker].alias;
    const task = monitor.snapshot()[0].swarm?.services[0].tasks.find((t) => t.node === hostname && t.containerId);
    if (!task) throw new Error(`no running task on ${hostname}`);
    const down = nextSnapshot(monitor, short);
    const killed = performance.now();
    await swarm.nodes[worker].docker.getContainer(task.containerId!).kill();
    await down;
    const shortAt = performance.now();
    await nextSnapshot(monitor, whole);
    const wholeAt = performance.now();
    // the nodes are namespaces of this machine: one clock
    const replacement = monitor.snapshot()[0].swarm?.services[0].tasks.find((t) => t.name === task.name);
    if (replacement?.since) behindSwarm.push(Date.now() - Date.parse(replacement.since));
    toShort.push(shortAt - killed);
    toWhole.push(wholeAt - killed);
    console.log(`  kill ${run + 1}/${KILLS} on ${hostname}: below desired after ${ms(shortAt - killed)}, whole again after ${ms(wholeAt - killed)}`);
  }
  monitor.dispose();
  const loadAfter = load();
  toShort.sort((a, b) => a - b);
  toWhole.sort((a, b) => a - b);
  behindSwarm.sort((a, b) => a - b);
  console.log(`kill → status shows the service short: median ${ms(percentile(toShort, 50))}, p90 ${ms(percentile(toShort, 90))}`);
  console.log(`kill → status shows it whole again: median ${ms(percentile(toWhole, 50))}, p90 ${ms(percentile(toWhole, 90))}`);
  console.log(`Swarm reports the replacement running → status shows it: median ${ms(percentile(behindSwarm, 50))}, p90 ${ms(percentile(behindSwarm, 90))}`);

  recordSection('## Swarm (`npm run bench:swarm`)', [
    '## Swarm (`npm run bench:swarm`)',
    '',
    `Live status latency after a task dies, on the rig's 3-node swarm (network namespaces, one dockerd each, reached over ssh:// as a user reaches a cluster): the swarm suite's web service, 2 replicas with a 2 s health check and a 1 s restart delay, one per worker. ${KILLS} kills, alternating between the workers, each a SIGKILL of the task's container on its node's own engine; the monitor is the one the tree and \`dual-env status\` use (manager's service and node events, each node's container events, one read of the stack on the manager per burst; no polling).`,
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on the rig machine (${os.cpus().length} cores, shared with the other checkouts' rigs and tests), load average ${loadBefore} at the start and ${loadAfter} at the end, Node ${process.versions.node}.`,
    '',
    '| measure | median | p90 |',
    '|---|---|---|',
    `| kill → live status shows the service below its desired replicas | ${ms(percentile(toShort, 50))} | ${ms(percentile(toShort, 90))} |`,
    `| kill → live status shows it whole again (Swarm's replacement running and healthy) | ${ms(percentile(toWhole, 50))} | ${ms(percentile(toWhole, 90))} |`,
    `| of which: the manager records the replacement \`running\` → live status shows it | ${ms(percentile(behindSwarm, 50))} | ${ms(percentile(behindSwarm, 90))} |`,
    '',
    'The first figure is the worker\'s `die` event over ssh plus the coalescing window (150 ms) plus one read of the stack on the manager (3 API calls over ssh). The second is mostly Swarm: its restart delay, the new container\'s start, and its health check passing, which Swarm reports as the task `running`; the third row is the status\'s own part of it (the event that follows the manager\'s update, the coalescing window, one read), timed from the manager\'s record of the task\'s state change (the nodes share this machine\'s clock).',
  ].join('\n'));
}

let cleaning: Promise<void> | undefined;
const cleanUp = () => (cleaning ??= Promise.resolve().then(() => {
  if (!swarm) return;
  try {
    managerDocker(swarm, ['stack', 'rm', STACK]);
    console.log(`removed the stack ${STACK}`);
  } catch (error) {
    console.error((error as Error).message);
  }
}));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    console.log(`\n${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}
main().then(
  () => cleanUp().then(() => process.exit(0)),
  (error: unknown) => cleanUp().then(() => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }),
);
