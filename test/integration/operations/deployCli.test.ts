// The dual-env CLI's deploy, history and up/down commands as separate processes,
// on the rig, against a temp git copy of the project (see test/support/tempProject.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DualEnvConfig } from '../../../src/core/config';
import { appendHistory, newRecord, readHistory, type HistoryRecord } from '../../../src/core/operations/history';
import { projectContainers, projectName, servicesOf, startRig, type Rig, stackLabel, resetStacks } from '../../rig';
import { runCli } from '../../support/cliRun';
import { makeTempProject, type TempProject } from '../../support/tempProject';


describe(`dual-env deploy, history, up and down [${stackLabel()}]`, () => {
  let rig: Rig;
  let project: TempProject;
  let config: DualEnvConfig;

  const run = (...args: string[]) => runCli(project.composeFile, ...args);

  before(async () => {
    rig = await startRig(['staging', 'production']);
    project = makeTempProject('stable/prisma-mysql-cli');
    config = project.config();
    assert.equal(config.projectName, projectName);
  });

  after(async () => {
    await resetStacks(rig);
    project?.remove();
  });

  it('refuses a production deploy with no terminal to confirm on and no --yes, changing nothing', async () => {
    const containers = (await projectContainers(rig.docker, servicesOf('production'))).map((c) => c.Id).sort();
    const result = await run('deploy', 'production');
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /changes production and there is no terminal to confirm on; pass --yes/);
    assert.deepEqual((await projectContainers(rig.docker, servicesOf('production'))).map((c) => c.Id).sort(), containers);
    assert.deepEqual(readHistory(config.projectDir, 'production'), []);
  });

  it('names under a refusal the command that gets past it', async () => {
    const page = 'examples/wms/frontend/html/index.html';
    const original = project.read(page);
    project.write(page, '<p>not committed</p>\n');
    try {
      const refused = await run('deploy', 'production', '--yes');
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr, /\ndual-env: The working tree has uncommitted changes \(.*index\.html\); commit them, or give a commit message to commit them as part of the deploy\.\n {2}→ commit as part of the deploy: dual-env deploy production --message "<what changed>"\n$/);
    } finally {
      project.write(page, original);
    }
  });

  it('stops and starts one staging service', async () => {
    const down = await run('down', 'staging', 'staging-frontend');
    assert.equal(down.code, 0, down.stderr);
    const [stopped] = await projectContainers(rig.docker, ['staging-frontend']);
    assert.equal(stopped.State, 'exited');
    const up = await run('up', 'staging', 'staging-frontend');
    assert.equal(up.code, 0, up.stderr);
    assert.equal((await fetch(`http://127.0.0.1:${rig.env.STAGING_HTTP_PORT}/healthz`)).status, 200);
  });

  it('starts without recreating a running container whose configuration changed: that is a deploy', async () => {
    const [running] = await projectContainers(rig.docker, ['staging-frontend']);
    const original = project.read('docker-compose-dual-env.yml');
    project.write('docker-compose-dual-env.yml', original.replace('      APP_ENV: staging\n      BACKEND_HOST: staging-backend', '      APP_ENV: staging\n      BACKEND_HOST: staging-backend\n      CHANGED_SINCE: "the last deploy"'));
    try {
      assert.notEqual(project.read('docker-compose-dual-env.yml'), original);
      const up = await run('up', 'staging', 'staging-frontend');
      assert.equal(up.code, 0, up.stderr);
      const [after] = await projectContainers(rig.docker, ['staging-frontend']);
      assert.equal(after.Id, running.Id);
      assert.equal(after.State, 'running');
    } finally {
      project.write('docker-compose-dual-env.yml', original);
    }
  });

  it('deploys staging, then lets exactly one of two production deploys started at once run', async () => {
    const staging = await run('deploy', 'staging');
    assert.equal(staging.code, 0, staging.stderr);
    assert.match(staging.stdout, /Deployed [0-9a-f]{7} to Staging: http:\/\/127\.0\.0\.1:/);
    const [first, second] = await Promise.all([run('deploy', 'production', '--yes'), run('deploy', 'production', '--yes')]);
    const codes = [first.code, second.code].sort();
    assert.deepEqual(codes, [0, 1], `${first.stderr}\n---\n${second.stderr}`);
    const loser = first.code === 1 ? first : second;
    assert.match(loser.stderr, /production is busy: deploy of stable\/prisma-mysql-cli by .* \(pid \d+, since/);
    const winner = first.code === 0 ? first : second;
    assert.match(winner.stdout, /Deployed [0-9a-f]{7} to Production \(tag production-\d{8}-\d{6}, backup \d{8}-\d{6}\)/);
    assert.equal(readHistory(config.projectDir, 'production').filter((r) => r.outcome === 'succeeded').length, 1);
  });

  it('shows the history newest first, as text and as JSON', async () => {
    const extra: HistoryRecord = newRecord({
      operation: 'deploy', environment: 'production', outcome: 'failed', error: 'build failed', commit: 'f'.repeat(40), branch: 'stable/prisma-mysql-cli',
      startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), durationMs: 1000,
    });
    appendHistory(config.projectDir, extra);
    const json = await run('history', 'production', '--json');
    assert.equal(json.code, 0, json.stderr);
    const records = JSON.parse(json.stdout) as HistoryRecord[];
    assert.deepEqual(records.map((r) => r.outcome), ['failed', 'succeeded']);
    assert.equal(records[0].id, extra.id);
    const text = await run('history', 'production');
    assert.match(text.stdout, /failed +deploy stable\/prisma-mysql-cli @ fffffff[\s\S]*build failed[\s\S]*succeeded +deploy stable\/prisma-mysql-cli @ [0-9a-f]{7} +\[production-/);
  });

  it('rolls production back from the terminal: refused without --yes, to the last deploy\'s backup with it', async () => {
    const containers = (await projectContainers(rig.docker, servicesOf('production'))).map((c) => c.Id).sort();
    const refused = await run('rollback', 'production');
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /changes production and there is no terminal to confirm on; pass --yes/);
    assert.deepEqual((await projectContainers(rig.docker, servicesOf('production'))).map((c) => c.Id).sort(), containers);

    const deployed = readHistory(config.projectDir, 'production').filter((r) => r.operation === 'deploy' && r.outcome === 'succeeded').at(-1)!;
    const done = await run('rollback', 'production', '--yes');
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, new RegExp(`^Rolled Production back to backup ${deployed.backupId}; safety backup of the state before: \\d{8}-\\d{6}`));
    const record = readHistory(config.projectDir, 'production').at(-1)!;
    assert.deepEqual([record.operation, record.outcome, record.restoredBackupId], ['rollback', 'succeeded', deployed.backupId]);
    assert.equal((await fetch(`http://127.0.0.1:${rig.env.PRODUCTION_HTTP_PORT}/api/health`)).status, 200);
  });
  it('leaves production as it was when the new backend fails its gate, and says so with exit code 1', async () => {
    const served = await (await fetch(`http://127.0.0.1:${rig.env.PRODUCTION_HTTP_PORT}/api/version`)).json() as { commit: string };
    // a production-only crash: staging runs this commit fine
    project.write('examples/wms/backend/server.js', project.read('examples/wms/backend/server.js')
      .replace('const env = process.env;', "const env = process.env;\nif (env.APP_ENV === 'production') process.exit(4);"));
    project.git('commit', '--quiet', '--all', '--message', 'crash in production only');
    assert.equal((await run('deploy', 'staging')).code, 0);
    const failed = await run('deploy', 'production', '--yes', '--health-timeout', '90');
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stderr, /production-backend did not become healthy: .*Production goes on running the previous version with its data, and no rollback is needed\./);
    assert.equal(readHistory(config.projectDir, 'production').at(-1)?.outcome, 'failed');
    const after = await (await fetch(`http://127.0.0.1:${rig.env.PRODUCTION_HTTP_PORT}/api/version`)).json() as { commit: string };
    assert.equal(after.commit, served.commit, 'production serves what it served before');
  });
});
