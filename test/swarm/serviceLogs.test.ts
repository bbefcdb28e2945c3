// `logs` of a Swarm environment on the rig's swarm: one stream on the manager
// follows a service's tasks, a killed task's replacement included, each line named
// by task and node as `docker service logs` names it; the CLI prints them so.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { loadConfig, type DualEnvConfig } from '../../src/core/config';
import { dockerClientFor } from '../../src/core/docker/client';
import { readEnvironmentStatus } from '../../src/core/docker/discovery';
import { followLogs, type LogLine } from '../../src/core/docker/logFollower';
import { SWARM_WEB_IMAGE, inRegistry, managerDocker, startSwarm, type Swarm } from '../rig';
import { runCli } from '../support/cliRun';

const projectFile = path.join(__dirname, 'fixtures', 'logs-stack.yml');
const STACK = 'dual-env-swarm-logs';
const TASK = new RegExp(`^${STACK}_web\\.(\\d)\\.(\\w{12})@(dual-env-swarm-[23])$`);

/** The lines of a log stream as they come, and a wait for the first (from now on or already seen) that passes a test. */
export function collectLines(lines: Readable): { seen: LogLine[]; first: (accept: (line: LogLine) => boolean) => Promise<LogLine> } {
  const seen: LogLine[] = [];
  const waiting = new Set<{ accept: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  lines.on('data', (line: LogLine) => {
    seen.push(line);
    for (const waiter of waiting) {
      if (!waiter.accept(line)) continue;
      waiting.delete(waiter);
      waiter.resolve(line);
    }
  });
  return {
    seen,
    first: (accept) => new Promise((resolve) => {
      const already = seen.find(accept);
      if (already) resolve(already);
      else waiting.add({ accept, resolve });
    }),
  };
}

export function deployLoggingStack(swarm: Swarm): DualEnvConfig {
  process.env.WEB_IMAGE = inRegistry(swarm, SWARM_WEB_IMAGE);
  managerDocker(swarm, ['stack', 'deploy', '--detach=false', '--resolve-image', 'never', '-c', projectFile, STACK], { WEB_IMAGE: process.env.WEB_IMAGE });
  return loadConfig(projectFile);
}

describe('logs of a Swarm service, followed across task replacement', { timeout: 300_000 }, () => {
  let swarm: Swarm;
  let config: DualEnvConfig;

  before(async () => {
    swarm = await startSwarm();
    config = deployLoggingStack(swarm);
  });
  after(() => {
    managerDocker(swarm, ['stack', 'rm', STACK]);
  });

  it('keeps following a service when a task is killed: the old task\'s lines, then its replacement\'s, each with task and node', async () => {
    const [production] = config.environments;
    const status = await readEnvironmentStatus(dockerClientFor(production), config, production);
    const victim = status.swarm!.services[0].tasks.find((t) => t.node === 'dual-env-swarm-2')!;
    assert.ok(victim?.containerId, JSON.stringify(status.swarm));

    const stop = new AbortController();
    const lines = followLogs({ docker: dockerClientFor(production), projectName: config.projectName, services: ['web'], follow: true, signal: stop.signal, secrets: [], swarmStack: STACK });
    const { seen, first } = collectLines(lines);
    const onVictim = (line: LogLine) => line.task?.includes(`.${victim.id.slice(0, 12)}@`) === true;
    const started = await first((line) => onVictim(line) && line.text.startsWith('started in '));
    assert.equal(started.text, `started in ${victim.containerId!.slice(0, 12)}`);
    assert.match(started.task!, TASK);
    assert.equal(started.task, `${STACK}_web.${victim.name.split('.').pop()}.${victim.id.slice(0, 12)}@dual-env-swarm-2`);
    // a request line (Swarm's health check) from the old task, as it runs
    await first((line) => onVictim(line) && /response:200/.test(line.text));

    await swarm.nodes[1].docker.getContainer(victim.containerId!).kill();
    const replacement = await first((line) => !onVictim(line) && line.task?.endsWith('@dual-env-swarm-2') === true && line.text.startsWith('started in '));
    const [, slot, taskId] = TASK.exec(replacement.task!)!;
    assert.equal(slot, victim.name.split('.').pop(), 'the replacement took the killed task\'s slot');
    assert.notEqual(taskId, victim.id.slice(0, 12));
    assert.notEqual(replacement.text, started.text, 'a new container');
    await first((line) => line.task === replacement.task && /response:200/.test(line.text));
    // the manager's stream carried the new task by itself: no re-attach was needed
    assert.deepEqual(seen.filter((line) => line.stream === 'marker'), []);
    assert.ok(seen.every((line) => line.task && TASK.test(line.task) && line.timestamp), JSON.stringify(seen.slice(0, 3)));

    stop.abort();
    if (!lines.readableEnded) await once(lines, 'end');
  });

  it('prints the history with each line\'s task and node in `dual-env logs`', async () => {
    const result = await runCli(projectFile, 'logs', 'production', '--tail', '3');
    assert.equal(result.code, 0, result.stderr);
    const printed = result.stdout.trim().split('\n');
    assert.ok(printed.length >= 1 && printed[0] !== '', result.stdout);
    for (const line of printed) assert.match(line, new RegExp(`^${STACK}_web\\.\\d\\.\\w{12}@dual-env-swarm-[23] \\| \\S`));
  });
});
