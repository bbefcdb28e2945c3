// `dual-env deploy production` of a Swarm environment on the rig's 3-node swarm, as a
// user runs it: the images built on the manager and pushed to the rig's registry, the
// stack deployed with 2 web replicas on two workers; a rolling update of web with
// requests running through the health-checked front the whole time, none failing; a
// new image whose health check fails, rolled back by Swarm itself, production
// serving the old version and the deploy failing in one sentence.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSwarm, type Swarm } from '../rig';
import { runCli } from '../support/cliRun';
import { DEPLOY_FIXTURE as fixture, DEPLOY_STACK as STACK, deployProject, runningTasks, type DeployProject } from './deployProject';
import { driveRequests } from './frontRequests';

describe('a production deploy of a Swarm environment', { timeout: 900_000 }, () => {
  let swarm: Swarm;
  let project: DeployProject;
  let dir: string;
  let file: string;
  let front: string;
  let git: DeployProject['git'];
  const pushed = (commit: string) => `${swarm.names.registry}/${STACK}/web:${commit}`;

  before(async () => {
    swarm = await startSwarm();
    project = await deployProject(swarm);
    ({ dir, file, front, git } = project);
  });
  after(() => project.remove());

  it('deploys production as a stack: web pushed to the registry, 2 replicas on two different workers, the front serving them', async () => {
    const commit = git('rev-parse', 'HEAD');
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
    git('commit', '-qam', 'web v2');
    const commit = git('rev-parse', 'HEAD');

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
    const served = git('rev-parse', 'HEAD');
    fs.appendFileSync(path.join(dir, 'web', 'Dockerfile'), 'HEALTHCHECK --interval=1s --timeout=1s --retries=2 CMD false\n');
    fs.writeFileSync(path.join(dir, 'web', 'index.html'), 'web v3\n');
    git('commit', '-qam', 'web v3, whose health check fails');

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
    git('commit', '-qam', 'web v4, pushed where no registry answers');
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
      git('add', 'elsewhere.yml');
      git('commit', '-qm', 'production on a manager nobody reaches');
      const result = await runCli(elsewhere, 'deploy', 'production', '--yes');
      assert.equal(result.code, 1, result.stdout);
      assert.equal(result.stderr.trim().split('\n').at(-1), 'dual-env: The SSH host dual-env-swarm-9 is unknown (its name does not resolve); fix the host in dockerHost or add it to ~/.ssh/config.');
      assert.doesNotMatch(result.stderr, /build:|push:/);
    } finally {
      git('rm', '-q', 'elsewhere.yml');
      git('commit', '-qm', 'production on its manager again');
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
