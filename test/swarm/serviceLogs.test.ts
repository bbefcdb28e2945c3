// `logs` of a Swarm environment on the rig's swarm: one stream on the manager
// follows a service's tasks, a killed task's replacement included, each line named
// by task and node as `docker service logs` names it; the CLI prints them so.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import type { DualEnvConfig } from '../../src/core/config';
import { dockerClientFor } from '../../src/core/docker/client';
import { readEnvironmentStatus } from '../../src/core/docker/discovery';
import { followLogs, type LogLine } from '../../src/core/docker/logFollower';
import { managerDocker, startSwarm, type Swarm } from '../rig';
import { runCli } from '../support/cliRun';
import { LOGS_PROJECT, LOGS_STACK, collectLines, deployLoggingStack } from './helpers';

const projectFile = LOGS_PROJECT;
const STACK = LOGS_STACK;
const TASK = new RegExp(`^${STACK}_web\\.(\\d)\\.(\\w{12})@(dual-env-swarm-[23])$`);

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
