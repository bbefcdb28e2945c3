// A stack deployed on the rig's swarm, seen as Dual Env shows it: the status read
// over ssh:// from the manager (each service's running/desired replicas, its tasks
// with their nodes), the CLI's lines, and the live status following a task killed
// on a worker to degraded and back to healthy from Docker's events alone.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, type DualEnvConfig } from '../../src/core/config';
import { dockerClientFor } from '../../src/core/docker/client';
import { readEnvironmentStatus, type EnvironmentStatus } from '../../src/core/docker/discovery';
import { createStatusMonitor, type StatusMonitor } from '../../src/core/docker/statusMonitor';
import { SWARM_WEB_IMAGE, inRegistry, managerDocker, startSwarm, type Swarm } from '../rig';
import { snapshotWhere } from '../integration/status/helpers';
import { runCli } from '../support/cliRun';

const projectFile = path.join(__dirname, 'fixtures', 'web-stack.yml');
const STACK = 'dual-env-swarm-test';

describe('a stack on the rig\'s swarm, as status shows it', { timeout: 300_000 }, () => {
  let swarm: Swarm;
  let config: DualEnvConfig;
  let monitor: StatusMonitor | undefined;

  before(async () => {
    swarm = await startSwarm();
    process.env.WEB_IMAGE = inRegistry(swarm, SWARM_WEB_IMAGE);
    config = loadConfig(projectFile);
    // --detach=false: returns once both replicas run (healthy: Swarm waits for the image's health check)
    managerDocker(swarm, ['stack', 'deploy', '--detach=false', '--resolve-image', 'never', '-c', projectFile, STACK], { WEB_IMAGE: process.env.WEB_IMAGE });
  });
  after(() => {
    monitor?.dispose();
    // the swarm idles between suites: no task left running
    managerDocker(swarm, ['stack', 'rm', STACK]);
  });

  it('reads the service with 2 of 2 replicas and a task on each worker', async () => {
    const [production] = config.environments;
    const status = await readEnvironmentStatus(dockerClientFor(production), config, production);
    assert.equal(status.health, 'healthy', status.reason);
    assert.equal(status.reason, `All 1 services of stack ${STACK} run their 2 replicas.`);
    const [web] = status.swarm?.services ?? [];
    assert.deepEqual([web?.service, web?.mode, web?.running, web?.desired], ['web', 'replicated', 2, 2]);
    assert.deepEqual(web.tasks.map((t) => [t.name, t.state]), [[`${STACK}_web.1`, 'running'], [`${STACK}_web.2`, 'running']]);
    assert.deepEqual(web.tasks.map((t) => t.node).sort(), ['dual-env-swarm-2', 'dual-env-swarm-3']);
    assert.ok(web.tasks.every((t) => t.image === process.env.WEB_IMAGE && t.containerId), JSON.stringify(web.tasks));
    assert.deepEqual(status.swarm?.nodes.map((n) => [n.hostname, n.state, n.role]), [
      ['dual-env-swarm-1', 'ready', 'manager'], ['dual-env-swarm-2', 'ready', 'worker'], ['dual-env-swarm-3', 'ready', 'worker'],
    ]);
    // one line per replica for what shows containers (tree, badge): 2 of 2 serve
    assert.deepEqual(status.containers.map((c) => [c.service, c.state]), [['web', 'running'], ['web', 'running']]);
  });

  it('prints each service with its replicas and each task with its node in `dual-env status`', async () => {
    const result = await runCli(projectFile, 'status');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Production: healthy — All 1 services of stack dual-env-swarm-test run their 2 replicas\./);
    assert.match(result.stdout, /^ {2}web +2\/2 replicas +replicated$/m);
    assert.match(result.stdout, /^ {4}dual-env-swarm-test_web\.1 +dual-env-swarm-[23] +running +\S+swarm-web:1$/m);
    assert.match(result.stdout, /^ {4}dual-env-swarm-test_web\.2 +dual-env-swarm-[23] +running +\S+swarm-web:1$/m);
    const json = JSON.parse((await runCli(projectFile, 'status', '--json')).stdout) as { environments: EnvironmentStatus[] };
    assert.equal(json.environments[0].swarm?.services[0].running, 2);
    const listed = await runCli(projectFile, 'environments');
    assert.match(listed.stdout, /^Production \[production\]: web · Swarm stack dual-env-swarm-test$/m);
  });

  it('follows a task killed on a worker to degraded, then back to healthy on its replacement, from events', async () => {
    monitor = createStatusMonitor({ config });
    monitor.start();
    const [first] = await snapshotWhere(monitor, (s) => s[0].health === 'healthy');
    const victim = first.swarm!.services[0].tasks.find((t) => t.node === 'dual-env-swarm-2')!;
    const worker = swarm.nodes[1].docker;

    const degraded = snapshotWhere(monitor, (s) => s[0].health === 'degraded');
    await worker.getContainer(victim.containerId!).kill();
    const [down] = await degraded;
    assert.equal(down.swarm?.services[0].running, 1);
    assert.equal(down.containers.filter((c) => c.state === 'running').length, 1, 'the badge counts 1 of 2');
    assert.match(down.reason, /^web runs 1 of 2 replicas \(dual-env-swarm-test_web\.\d on dual-env-swarm-2 is \w+/);

    const [back] = await snapshotWhere(monitor, (s) => s[0].health === 'healthy');
    const replacement = back.swarm!.services[0].tasks.find((t) => t.name === victim.name)!;
    assert.notEqual(replacement.id, victim.id, 'a new task took the slot');
    assert.equal(replacement.node, 'dual-env-swarm-2');
    assert.equal(replacement.state, 'running');
    assert.match(replacement.previousError ?? '', /non-zero exit \(137\)/);
  });

  it('says in one sentence when dockerHost names a worker, not a manager', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-swarm-worker-'));
    const file = path.join(dir, 'docker-compose-dual-env.yml');
    fs.writeFileSync(file, fs.readFileSync(projectFile, 'utf8').replace('dockerHost: ssh://dual-env-swarm-1', 'dockerHost: ssh://dual-env-swarm-2'));
    const result = await runCli(file, 'status');
    assert.equal(result.code, 1, result.stdout);
    assert.equal(result.stderr.trim(), `dual-env: The Docker engine at ssh://dual-env-swarm-2 is not a Swarm manager, so the stack ${STACK} cannot be read there; point dockerHost at a manager of its swarm.`);
  });
});
