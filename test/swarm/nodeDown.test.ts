// A worker of the rig's swarm going down while `dual-env deploy production` rolls web
// to a new version: its network link is cut (as a server losing power or its switch
// port: its engine and containers stay as they were, the manager stops hearing its
// heartbeat). Swarm marks it down and reschedules its web task on the other worker;
// the deploy ends in one result that names the lost node and where its task went,
// the front keeps serving, and the history line says it. The link comes back after,
// whatever happened, and the node is ready again for the rest of the suite.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSwarm, swarmAlias, type Swarm } from '../rig';
import { runCli } from '../support/cliRun';
import { DEPLOY_STACK as STACK, deployProject, runningTasks, type DeployProject } from './deployProject';
import { driveRequests } from './frontRequests';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (no deadline of its own: the test's timeout bounds it) until `check` holds. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(250);
}

describe('a Swarm node going down during a rolling update', { timeout: 900_000 }, () => {
  let swarm: Swarm;
  let project: DeployProject;
  /** The node cut, as its index in the swarm's names. */
  let cut: number | undefined;

  /** The node's port on the swarm's switch, down or up: its link to every other node and the registry. */
  const link = (index: number, state: 'up' | 'down') => {
    const run = spawnSync('ip', ['-n', swarm.names.switchNetns, 'link', 'set', swarm.names.nodes[index].veth, state], { encoding: 'utf8' });
    assert.equal(run.status, 0, `ip link set ${swarm.names.nodes[index].veth} ${state}: ${run.stderr}`);
  };
  const nodeState = async (hostname: string) => (await swarm.manager.docker.listNodes()).find((n) => n.Description?.Hostname === hostname)?.Status?.State;
  /** The node back on the switch, and ready again in the manager's eyes. */
  const restore = async () => {
    if (cut === undefined) return;
    link(cut, 'up');
    await until(async () => (await nodeState(swarmAlias(cut! + 1))) === 'ready');
    cut = undefined;
  };
  const web = () => swarm.manager.docker.getService(`${STACK}_web`);

  before(async () => {
    swarm = await startSwarm();
    project = await deployProject(swarm);
  });
  after(async () => {
    // the suite shares the swarm: the node must be back and ready, even after a failure
    await restore();
    await project?.remove();
    // the node that came back stops its stale tasks and leaves the stack's network on its own
    // time: the next file's stack of the same name must not meet them
    const label = { label: [`com.docker.stack.namespace=${STACK}`] };
    await until(async () => {
      for (const node of swarm.nodes) {
        if ((await node.docker.listContainers({ filters: label })).length > 0 || (await node.docker.listNetworks({ filters: label })).length > 0) return false;
      }
      return true;
    });
  });

  it('deploys production with a web task on each worker', async () => {
    const result = await runCli(project.file, 'deploy', 'production', '--yes');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual((await runningTasks(swarm, 'web')).map((t) => t.node).sort(), [swarmAlias(2), swarmAlias(3)]);
  });

  it('ends in one sentence naming the lost node and where its tasks went, production serving, and Swarm finishes once the node is back', async () => {
    fs.writeFileSync(path.join(project.dir, 'web', 'index.html'), 'web v2\n');
    project.git('commit', '-qam', 'web v2');
    const commit = project.git('rev-parse', 'HEAD');
    const image = `${swarm.names.registry}/${STACK}/web:${commit}`;
    const requests = driveRequests(project.front, 3);
    const deploying = runCli(project.file, 'deploy', 'production', '--yes');
    let ended = false;
    void deploying.then(() => { ended = true; });

    // the worker Swarm starts the first new web task on goes down before that task runs
    const hostnames = new Map((await swarm.manager.docker.listNodes()).map((n) => [n.ID, n.Description?.Hostname ?? '']));
    let lost = '';
    await until(async () => {
      if (ended) return true;
      const tasks = await swarm.manager.docker.listTasks({ filters: { service: [`${STACK}_web`] } }) as Array<{ NodeID?: string; Spec: { ContainerSpec: { Image: string } }; Status: { State: string } }>;
      const starting = tasks.find((t) => t.Spec.ContainerSpec.Image === image && t.NodeID && ['assigned', 'accepted', 'preparing', 'ready', 'starting'].includes(t.Status.State));
      lost = starting ? hostnames.get(starting.NodeID!) ?? '' : '';
      return lost !== '';
    });
    assert.notEqual(lost, '', 'the deploy ended before Swarm started a new web task');
    cut = Number(lost.slice(lost.lastIndexOf('-') + 1)) - 1;
    link(cut, 'down');
    const left = swarmAlias(cut === 1 ? 3 : 2);

    const result = await deploying;
    const whileDown = await requests.stop();
    assert.equal(await nodeState(lost), 'down', 'Swarm marked the node down');
    const serving = await runningTasks(swarm, 'web');
    assert.ok(serving.every((t) => t.node === left && t.state === 'running'), `every task Swarm wants runs on ${left}: ${JSON.stringify(serving)}`);
    assert.equal(result.code, 1, result.stdout);
    const sentence = `Node ${lost} went down during the update; Swarm rescheduled its tasks on ${left}, but Swarm's update of web waits for its new task on ${lost}, which had not run when the node went down:`
      + ` once ${lost} is back, Swarm counts that task as failed and rolls web back to the previous version; production serves web from the nodes left meanwhile (`;
    const last = result.stderr.trim().split('\n').at(-1) ?? '';
    assert.ok(last.startsWith(`dual-env: ${sentence}`) && /\((\d+ new and \d+ old|\d+ new|\d+ old) tasks?\)\.$/.test(last), last);
    assert.match(result.stderr, new RegExp(`Node ${lost} went down during the update \\(heartbeat failure\\); Swarm reschedules its tasks on the nodes left`));

    const history = await runCli(project.file, 'history', 'production', '--json');
    const [line] = JSON.parse(history.stdout) as Array<{ outcome: string; step?: string; error?: string }>;
    assert.deepEqual([line.outcome, line.step, line.error], ['failed', 'health', last.slice('dual-env: '.length)]);

    // while the node was down the front kept serving: it retries a dead address on another
    // (proxy_next_upstream), so the lost node's tasks, in DNS until Swarm reschedules them, cost time, not requests
    assert.deepEqual(whileDown.failures, [], `${whileDown.failures.length} failed requests while the node was down`);
    // which version answered depends on where Swarm had got to (the lost node's replacement is
    // v2 only once Swarm has started it): production served, from one version or the other
    const served = [...whileDown.bodies.keys()];
    assert.ok(served.length > 0 && served.every((body) => body === 'web v1' || body === 'web v2'), `production served while the update waited: ${JSON.stringify([...whileDown.bodies])}`);

    // the node back: Swarm ends the update as the sentence said, rolling web back (the stack file's failure_action)
    const returning = driveRequests(project.front, 3);
    await restore();
    await until(async () => !['updating', 'rollback_started', undefined].includes((await web().inspect()).UpdateStatus?.State));
    assert.equal((await web().inspect()).UpdateStatus?.State, 'rollback_completed');
    const previous = `${swarm.names.registry}/${STACK}/web:${project.git('rev-parse', 'HEAD~1')}`;
    await until(async () => {
      const tasks = await runningTasks(swarm, 'web');
      return tasks.length === 2 && tasks.every((t) => t.state === 'running' && t.image === previous);
    });
    const { bodies, failures } = await returning.stop();
    // Swarm's own rollback as the node rejoins is not the deploy's to keep seamless (the node's
    // stale tasks answer until its agent stops them): the front still answers every request
    assert.ok(failures.every((f) => f.startsWith('502 ')), `the front answered throughout: ${JSON.stringify(failures.slice(0, 3))}`);
    assert.ok((bodies.get('web v1') ?? 0) > 0, JSON.stringify([...bodies]));
    console.log(`while ${lost} came back: ${failures.length} of ${failures.length + [...bodies.values()].reduce((a, b) => a + b, 0)} requests answered 502`);
    assert.equal((await (await fetch(project.front)).text()).trim(), 'web v1');
  });
});
