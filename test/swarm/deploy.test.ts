// `dual-env deploy production` of a Swarm environment on the rig's 3-node swarm, as a
// user runs it: the images built on the manager and pushed to the rig's registry, the
// stack deployed with 2 web replicas on two workers; a rolling update of web with
// requests running through the health-checked front the whole time, none failing; a
// new image whose health check fails, rolled back by Swarm itself, production
// serving the old version and the deploy failing in one sentence.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SWARM_FRONT_IMAGE, inRegistry, managerDocker, startSwarm, type Swarm } from '../rig';
import { runCli } from '../support/cliRun';

const fixture = path.join(__dirname, 'fixtures', 'deploy-stack');
const STACK = 'dual-env-swarm-deploy';

function git(dir: string, ...args: string[]): string {
  const run = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  assert.equal(run.status, 0, `git ${args.join(' ')}: ${run.stderr}`);
  return run.stdout.trim();
}

/** `docker stack rm`, then until its network is gone: removal ends after the command returns, and a deploy meanwhile fails. */
async function removeStack(swarm: Swarm): Promise<void> {
  managerDocker(swarm, ['stack', 'rm', STACK]);
  const left = async () => (await swarm.manager.docker.listNetworks({ filters: { label: [`com.docker.stack.namespace=${STACK}`] } })).length > 0;
  while (await left()) await new Promise((resolve) => setTimeout(resolve, 500));
}

/** Tasks Swarm wants running for a service of the stack, each with its node's hostname, state and image. */
async function runningTasks(swarm: Swarm, service: string) {
  const docker = swarm.manager.docker;
  const hostnames = new Map((await docker.listNodes()).map((n) => [n.ID, n.Description?.Hostname]));
  const tasks = await docker.listTasks({ filters: { service: [`${STACK}_${service}`], 'desired-state': ['running'] } }) as Array<{ NodeID: string; Status: { State: string }; Spec: { ContainerSpec: { Image: string } } }>;
  return tasks.map((t) => ({ node: hostnames.get(t.NodeID), state: t.Status.State, image: t.Spec.ContainerSpec.Image }));
}

/** Requests through the front, from `loops` clients, until stopped: how many answered 200 with which body, and every failure. */
function driveRequests(url: string, loops: number) {
  let stopped = false;
  const bodies = new Map<string, number>();
  const failures: string[] = [];
  const loop = async () => {
    while (!stopped) {
      try {
        const answer = await fetch(url, { signal: AbortSignal.timeout(10_000) });
        const body = (await answer.text()).trim();
        if (answer.status === 200) bodies.set(body, (bodies.get(body) ?? 0) + 1);
        else failures.push(`${answer.status} ${body.slice(0, 80)}`);
      } catch (error) {
        failures.push(String(error));
      }
    }
  };
  const running = Promise.all(Array.from({ length: loops }, loop));
  return { stop: async () => { stopped = true; await running; return { bodies, failures }; } };
}

describe('a production deploy of a Swarm environment', { timeout: 900_000 }, () => {
  let swarm: Swarm;
  let dir: string;
  let file: string;
  let front: string;
  const pushed = (commit: string) => `${swarm.names.registry}/${STACK}/web:${commit}`;

  before(async () => {
    swarm = await startSwarm();
    process.env.SWARM_REGISTRY = swarm.names.registry;
    front = `http://${swarm.names.nodes[0].serverIp}/`;
    // a stack left by an earlier run would make the first deploy an update
    await removeStack(swarm);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-swarm-deploy-'));
    fs.cpSync(fixture, dir, { recursive: true });
    file = path.join(dir, 'docker-compose-dual-env.yml');
    // from .env only, as a project keeps it: docker stack deploy must get it although it never reads .env
    fs.writeFileSync(path.join(dir, '.env'), `FRONT_IMAGE=${inRegistry(swarm, SWARM_FRONT_IMAGE)}\n`);
    fs.writeFileSync(path.join(dir, '.gitignore'), '.env\n');
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'config', 'user.email', 'swarm@dual-env.test');
    git(dir, 'config', 'user.name', 'Swarm Suite');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'web v1');
  });
  after(async () => {
    await removeStack(swarm);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('deploys production as a stack: web pushed to the registry, 2 replicas on two different workers, the front serving them', async () => {
    const commit = git(dir, 'rev-parse', 'HEAD');
    const result = await runCli(file, 'deploy', 'production', '--yes');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^Deployed ${commit.slice(0, 7)} to Production as the Swarm stack ${STACK} \\(tag production-`, 'm'));
    assert.match(result.stderr, /✓ push: Pushed \S+\/dual-env-swarm-deploy\/web:[0-9a-f]{40}$/m);

    const tasks = await runningTasks(swarm, 'web');
    assert.deepEqual(tasks.map((t) => t.node).sort(), ['dual-env-swarm-2', 'dual-env-swarm-3'], JSON.stringify(tasks));
    assert.ok(tasks.every((t) => t.state === 'running' && t.image === pushed(commit)), JSON.stringify(tasks));
    const tags = await (await fetch(`http://${swarm.names.registry}/v2/${STACK}/web/tags/list`)).json() as { tags: string[] };
    assert.ok(tags.tags.includes(commit), JSON.stringify(tags));
    assert.equal((await (await fetch(front)).text()).trim(), 'web v1');
  });

  it('rolls web to a new version with no failed request through the front', async () => {
    fs.writeFileSync(path.join(dir, 'web', 'index.html'), 'web v2\n');
    git(dir, 'commit', '-qam', 'web v2');
    const commit = git(dir, 'rev-parse', 'HEAD');

    const requests = driveRequests(front, 3);
    const result = await runCli(file, 'deploy', 'production', '--yes');
    const { bodies, failures } = await requests.stop();
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(failures, [], `${failures.length} failed requests during the rolling update`);
    assert.ok((bodies.get('web v1') ?? 0) > 0 && (bodies.get('web v2') ?? 0) > 0, `requests ran across the update: ${JSON.stringify([...bodies])}`);
    const tasks = await runningTasks(swarm, 'web');
    assert.ok(tasks.length === 2 && tasks.every((t) => t.state === 'running' && t.image === pushed(commit)), JSON.stringify(tasks));
    assert.equal((await (await fetch(front)).text()).trim(), 'web v2');
  });

  it('fails in one sentence when the new image fails its health check, Swarm having rolled web back to the version production serves', async () => {
    const served = git(dir, 'rev-parse', 'HEAD');
    fs.appendFileSync(path.join(dir, 'web', 'Dockerfile'), 'HEALTHCHECK --interval=1s --timeout=1s --retries=2 CMD false\n');
    fs.writeFileSync(path.join(dir, 'web', 'index.html'), 'web v3\n');
    git(dir, 'commit', '-qam', 'web v3, whose health check fails');

    const result = await runCli(file, 'deploy', 'production', '--yes');
    assert.equal(result.code, 1, result.stdout);
    const lastLine = result.stderr.trim().split('\n').at(-1);
    assert.match(lastLine ?? '', /^dual-env: The new image of web failed its health check \(task: .*unhealthy container\), so Swarm rolled web back automatically and production runs the previous version of it\.$/);
    const tasks = await runningTasks(swarm, 'web');
    assert.ok(tasks.length === 2 && tasks.every((t) => t.state === 'running' && t.image === pushed(served)), JSON.stringify(tasks));
    assert.equal((await (await fetch(front)).text()).trim(), 'web v2');
  });

  it('changes nothing of the running stack when a push fails, and says so in one sentence', async () => {
    const served = (await runningTasks(swarm, 'web'))[0].image;
    fs.writeFileSync(path.join(dir, 'web', 'Dockerfile'), fs.readFileSync(path.join(fixture, 'web', 'Dockerfile')));
    fs.writeFileSync(path.join(dir, 'web', 'index.html'), 'web v4\n');
    git(dir, 'commit', '-qam', 'web v4, pushed where no registry answers');
    const registry = process.env.SWARM_REGISTRY!;
    process.env.SWARM_REGISTRY = `${swarm.names.registryIp}:5999`;
    try {
      const result = await runCli(file, 'deploy', 'production', '--yes');
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stderr.trim().split('\n').at(-1) ?? '', /^dual-env: Pushing \S+:5999\/dual-env-swarm-deploy\/web:[0-9a-f]{40} from the manager failed: .+; check that the manager reaches the registry and that its engine trusts it\.$/);
      assert.doesNotMatch(result.stderr, /docker stack deploy/);
    } finally {
      process.env.SWARM_REGISTRY = registry;
    }
    const tasks = await runningTasks(swarm, 'web');
    assert.ok(tasks.length === 2 && tasks.every((t) => t.state === 'running' && t.image === served), JSON.stringify(tasks));
    assert.equal((await (await fetch(front)).text()).trim(), 'web v2');
  });

  it('says in one sentence that the manager cannot be reached, before anything is built or pushed', async () => {
    const elsewhere = path.join(dir, 'elsewhere.yml');
    fs.writeFileSync(elsewhere, fs.readFileSync(file, 'utf8').replace('dockerHost: ssh://dual-env-swarm-1', 'dockerHost: ssh://dual-env-swarm-9'));
    try {
      git(dir, 'add', 'elsewhere.yml');
      git(dir, 'commit', '-qm', 'production on a manager nobody reaches');
      const result = await runCli(elsewhere, 'deploy', 'production', '--yes');
      assert.equal(result.code, 1, result.stdout);
      assert.equal(result.stderr.trim().split('\n').at(-1), 'dual-env: The SSH host dual-env-swarm-9 is unknown (its name does not resolve); fix the host in dockerHost or add it to ~/.ssh/config.');
      assert.doesNotMatch(result.stderr, /build:|push:/);
    } finally {
      git(dir, 'rm', '-q', 'elsewhere.yml');
      git(dir, 'commit', '-qm', 'production on its manager again');
    }
  });

  it('keeps every deploy in the history: two succeeded, one rolled back by Swarm, one failed at its push', async () => {
    const result = await runCli(file, 'history', 'production', '--json');
    assert.equal(result.code, 0, result.stderr);
    const records = JSON.parse(result.stdout) as Array<{ operation: string; outcome: string; step?: string; error?: string; tag?: string }>;
    assert.deepEqual(records.map((r) => [r.operation, r.outcome, r.step]), [
      ['deploy', 'failed', 'push'], ['deploy', 'rolled-back', 'health'], ['deploy', 'succeeded', 'health'], ['deploy', 'succeeded', 'health'],
    ]);
    assert.match(records[1].error ?? '', /so Swarm rolled web back automatically/);
    assert.ok(records.every((r) => r.tag?.startsWith('production-')), JSON.stringify(records));
  });
});
