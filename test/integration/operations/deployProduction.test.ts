// Production deploys that change production: what they build, commit, tag and record,
// and the automatic rollback when the new version does not come up. Each test deploys
// from a temp project of its own onto whatever production runs when it starts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ProgressEvent } from '../../../src/core/common/progress';
import { deployProduction } from '../../../src/core/operations/deployProduction';
import { historyFile, readHistory, type HistoryRecord } from '../../../src/core/operations/history';
import { ProductionChangedError } from '../../../src/core/operations/operationContext';
import { rollbackProduction } from '../../../src/core/operations/rollbackProduction';
import { projectContainers, projectName, stackLabel } from '../../rig';
import { BRANCH, RUN, crashInProduction, deploySuite, never, releaseExports, releaseExportsLeftSince } from './deployFixture';

describe(`production deploys [${stackLabel()}]`, () => {
  const { fresh } = deploySuite();

  it('deploys with a commit message full of shell metacharacters, passed literally, and shows the commit; a manual backup then records the images running and the commit deployed', async () => {
    const { rig, project, config, production, deploy, version, productionUrl, manualBackup } = await fresh();
    const message = 'x"; rm -rf / #$(id) `touch pwned`';
    project.write('examples/wms/frontend/html/index.html', '<p>release 2</p>\n');
    const result = await deploy({ message });
    assert.equal(result.outcome, 'succeeded');
    const head = project.git('rev-parse', 'HEAD').trim();
    assert.equal(result.commit, head);
    assert.equal(project.git('log', '-1', '--format=%B').trim(), message);
    assert.equal(project.remoteGit('rev-parse', `refs/heads/${BRANCH}`).trim(), head);
    assert.equal(project.remoteGit('rev-parse', `refs/tags/${result.tag}^{commit}`).trim(), head);
    assert.match(result.tag ?? '', /^production-\d{8}-\d{6}(-\d+)?$/);
    assert.equal((await version('PRODUCTION_HTTP_PORT')).commit, head);
    assert.equal(await (await fetch(productionUrl())).text(), '<p>release 2</p>\n');
    for (const dir of [project.dir, path.dirname(project.dir), process.cwd()]) assert.equal(fs.existsSync(path.join(dir, 'pwned')), false);
    const record = readHistory(config.projectDir, 'production').at(-1)!;
    assert.equal(record.outcome, 'succeeded');
    assert.equal(record.backupId, result.backup?.id);
    assert.deepEqual(Object.keys(record.images ?? {}).sort(), ['production-backend', 'production-frontend']);

    // the manual backup knows the deployed commit from this project's history
    assert.ok(production.backups.folder.startsWith(project.dir));
    const manual = await manualBackup();
    const running = await projectContainers(rig.docker, ['production-frontend', 'production-backend']);
    assert.deepEqual(manual.images, Object.fromEntries(running.map((c) => [c.Labels['com.docker.compose.service'], c.ImageID])));
    assert.equal(manual.gitCommit, (await version('PRODUCTION_HTTP_PORT')).commit);
  });

  it('builds production from exactly the tagged commit, not from files changed during the backup', async () => {
    const { project, deps, events, version, productionUrl } = await fresh();
    const index = 'examples/wms/frontend/html/index.html';
    project.write(index, `<p>tagged ${RUN}</p>\n`);
    project.git('commit', '--quiet', '--all', '-m', 'tagged release');
    const tagged = project.git('rev-parse', 'HEAD').trim();
    const exportsBefore = releaseExports();
    const result = await deployProduction(deps, { confirm: async () => true, stagingFirst: 'ask', healthTimeoutSeconds: 120 }, never(), (event) => {
      events.push(event);
      // an editor's auto-save while the backup runs: synchronous, so it lands before the build could start
      if (event.step === 'backup' && event.state === 'running') {
        project.write(index, `<p>auto-saved ${RUN}</p>\n`);
        project.write('examples/wms/frontend/html/autosave.html', `<p>untracked ${RUN}</p>\n`);
      }
    });
    assert.equal(result.outcome, 'succeeded');
    assert.equal(result.commit, tagged);
    assert.equal(project.git('rev-parse', `refs/tags/${result.tag}^{commit}`).trim(), tagged, 'the tag names the commit built');
    assert.equal(await (await fetch(productionUrl())).text(), `<p>tagged ${RUN}</p>\n`, 'the image holds the tagged file, not the auto-save');
    assert.ok(!(await (await fetch(`${productionUrl()}/autosave.html`)).text()).includes(`untracked ${RUN}`), 'an untracked file is not in the image');
    assert.equal((await version('PRODUCTION_HTTP_PORT')).commit, tagged);
    assert.equal(project.read(index), `<p>auto-saved ${RUN}</p>\n`, 'the working tree is left as the editor wrote it');
    assert.deepEqual(releaseExportsLeftSince(exportsBefore), [], 'the export was removed');
  });

  it('commits for --message exactly the files the confirmed plan listed, and builds that commit', async () => {
    const { project, deps, events, version, productionUrl } = await fresh();
    const index = 'examples/wms/frontend/html/index.html';
    const entrypoint = 'examples/wms/frontend/entrypoint.sh';
    project.write(index, `<p>listed ${RUN}</p>\n`);
    const entrypointBefore = project.read(entrypoint);
    let listed: string[] | undefined;
    const result = await deployProduction(deps, {
      confirm: async (plan) => { listed = plan.toCommit?.files; return true; }, stagingFirst: 'ask', healthTimeoutSeconds: 120, message: 'only the listed file',
    }, never(), (event) => {
      events.push(event);
      if (event.step === 'backup' && event.state === 'running') {
        project.write('examples/wms/frontend/html/late.html', `<p>late ${RUN}</p>\n`);
        project.write(entrypoint, `${entrypointBefore}# edited during the backup\n`);
      }
    });
    assert.deepEqual(listed, [index]);
    assert.equal(result.outcome, 'succeeded');
    assert.equal(project.git('log', '-1', '--format=%s').trim(), 'only the listed file');
    assert.deepEqual(project.git('show', '--name-only', '--format=', 'HEAD').trim().split('\n'), [index], 'the commit holds the listed file only');
    assert.equal(project.git('rev-parse', `refs/tags/${result.tag}^{commit}`).trim(), result.commit);
    assert.deepEqual(project.git('status', '--porcelain').split('\n').filter(Boolean).sort(), [` M ${entrypoint}`, '?? examples/wms/frontend/html/late.html'], 'the later changes stay uncommitted');
    assert.equal(await (await fetch(productionUrl())).text(), `<p>listed ${RUN}</p>\n`);
    assert.ok(!(await (await fetch(`${productionUrl()}/late.html`)).text()).includes(`late ${RUN}`), 'a file the plan did not list is not in the image');
    assert.equal((await version('PRODUCTION_HTTP_PORT')).commit, result.commit);
  });

  // a new version failing its gate beside the old one never changes production (deployWithoutDowntime.test.ts);
  // in a maintenance window the old version is stopped first, and a failure is rolled back or reported
  it('in a maintenance window, rolls back to the old images and the backup\'s data when the health gate fails', async () => {
    const { rig, project, config, deps, events, deploy, version, productionUrl, productionSnapshot, addWarehouse, hasWarehouse } = await fresh();
    // a release of this checkout first: a rollback names the commit it brings back from the checkout's deploy history
    project.write('examples/wms/frontend/html/index.html', `<p>before the crash ${RUN}</p>\n`);
    assert.equal((await deploy({ message: 'release before the crash' })).outcome, 'succeeded');
    const before = await productionSnapshot();
    const oldCommit = (await version('PRODUCTION_HTTP_PORT')).commit;
    const code = { before: `BEFORE-${RUN}`, afterBackup: `AFTERBK-${RUN}` };
    await addWarehouse(code.before);
    // a production-only crash: staging would run this commit fine
    project.write('examples/wms/backend/server.js', project.read('examples/wms/backend/server.js')
      .replace("const env = process.env;", "const env = process.env;\nif (env.APP_ENV === 'production') { console.error('missing production setting; settings:', env.DB_PASSWORD); process.exit(4); }"));
    const written: Promise<unknown>[] = [];
    const result = await deployProduction(deps, {
      confirm: async () => true, stagingFirst: 'ask', autoRollback: true, maintenanceWindow: true, healthTimeoutSeconds: 120, message: 'crash in production',
    }, never(), (event) => {
      events.push(event);
      // written after the backup: the rollback must take it away again
      if (event.step === 'backup' && event.state === 'done') written.push(addWarehouse(code.afterBackup));
    });
    await Promise.all(written);
    assert.equal(result.outcome, 'rolled-back');
    assert.match(result.error ?? '', /production-backend did not become healthy: (it keeps crashing|its healthcheck fails).*last output: .*missing production setting/);
    const after = await productionSnapshot();
    assert.deepEqual(after.imageTags, before.imageTags, 'the old images run again');
    assert.deepEqual(after.containers.map((c) => c.split(' ')[2]), before.containers.map((c) => c.split(' ')[2]));
    assert.equal(await hasWarehouse(code.before), true);
    assert.equal(await hasWarehouse(code.afterBackup), false);
    assert.equal((await fetch(`${productionUrl()}/api/health`)).status, 200);
    assert.equal((await version('PRODUCTION_HTTP_PORT')).commit, oldCommit);
    assert.ok(events.some((e) => e.step === 'rollback' && e.state === 'done'));
    const last = readHistory(config.projectDir, 'production').at(-1)!;
    assert.equal(last.outcome, 'rolled-back');
    // written ahead of each step, the rollback's too: a deploy no longer heard from says where it stopped
    const lines = fs.readFileSync(historyFile(config.projectDir), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as HistoryRecord).filter((r) => r.id === last.id);
    assert.deepEqual(lines.map((r) => (r.outcome === 'unfinished' ? r.step : r.outcome)), ['backup', 'build', 'recreate', 'health', 'rollback restore', 'rollback images', 'rollback recreate', 'rollback health', 'rolled-back']);
    // the dying app printed its database password: it reaches no error, progress line or history record
    const password = rig.env.PRODUCTION_DB_PASSWORD;
    assert.match(result.error ?? '', /settings: \*\*\*/);
    for (const [where, text] of [['error', result.error], ['progress', JSON.stringify(events)], ['history', JSON.stringify(readHistory(config.projectDir, 'production'))]]) {
      assert.ok(!text?.includes(password), `the password is in the ${where}`);
    }
  });

  it('in a maintenance window, rolls back too when the new containers fail to start at all, not only at the health gate', async () => {
    const { deployUnstartable, productionUrl, productionSnapshot } = await fresh();
    const before = await productionSnapshot();
    const result = await deployUnstartable(true, true);
    assert.equal(result.outcome, 'rolled-back');
    assert.match(result.error ?? '', /no-such-user/);
    const after = await productionSnapshot();
    assert.deepEqual(after.imageTags, before.imageTags, 'the old images run again');
    assert.deepEqual(after.rows, before.rows);
    assert.equal((await fetch(`${productionUrl()}/api/health`)).status, 200);
  });

  it('in a maintenance window without auto-rollback, says production changed and which backup to roll back to; that rollback restores it', async () => {
    const { config, deps, events, deployUnstartable, productionSnapshot } = await fresh();
    const before = await productionSnapshot();
    const failed = await deployUnstartable(false, true).then(() => assert.fail('the deploy succeeded'), (error: unknown) => error);
    assert.ok(failed instanceof ProductionChangedError, String(failed));
    assert.deepEqual(failed.remedies, [{ kind: 'rollback', environment: 'production', backupId: failed.backupId }]);
    const record = readHistory(config.projectDir, 'production').at(-1)!;
    assert.equal(record.outcome, 'failed');
    assert.equal(failed.backupId, record.backupId);
    assert.match(failed.message, new RegExp(`no-such-user.*Production may be running the new version, or nothing; roll back to backup ${failed.backupId}\\.$`));
    const back = await rollbackProduction(deps, { backupId: failed.backupId, confirm: async () => true, healthTimeoutSeconds: 120 }, never(), (e) => events.push(e));
    assert.equal(back.outcome, 'succeeded');
    const after = await productionSnapshot();
    assert.deepEqual(after.imageTags, before.imageTags);
    assert.deepEqual(after.rows, before.rows);
  });

  it('records a stopped service\'s image too, and an auto-rollback in a maintenance window brings it back on that image', async () => {
    const { rig, project, config, deps, events, productionUrl } = await fresh();
    const [frontend] = await projectContainers(rig.docker, ['production-frontend']);
    const previousFrontend = frontend.ImageID;
    await rig.docker.getContainer(frontend.Id).stop();
    // both images change: the frontend's page, and a backend that crashes in production only
    project.write('examples/wms/frontend/html/index.html', `<p>never served ${RUN}</p>\n`);
    project.write('examples/wms/backend/server.js', crashInProduction(project.read('examples/wms/backend/server.js')));
    const seen: ProgressEvent[] = [];
    const result = await deployProduction(deps, {
      confirm: async () => true, stagingFirst: 'ask', autoRollback: true, maintenanceWindow: true, healthTimeoutSeconds: 120, message: 'crash with the frontend stopped',
    }, never(), (event) => { events.push(event); seen.push(event); });
    assert.equal(result.outcome, 'rolled-back');
    const [after] = await projectContainers(rig.docker, ['production-frontend']);
    assert.equal(after.State, 'running');
    assert.equal(after.ImageID, previousFrontend, 'the frontend runs its previous image, not the new build');
    const record = readHistory(config.projectDir, 'production').at(-1)!;
    assert.equal(record.outcome, 'rolled-back');
    assert.equal(record.previousImages?.['production-frontend'], previousFrontend, 'the stopped service\'s image was recorded');
    assert.equal((await rig.docker.getImage(`${projectName}/wms-frontend:production`).inspect()).Id, previousFrontend);
    assert.notEqual(await (await fetch(productionUrl())).text(), `<p>never served ${RUN}</p>\n`);
    const running = await projectContainers(rig.docker, ['production-frontend', 'production-backend']);
    assert.deepEqual(result.images, Object.fromEntries(running.map((c) => [c.Labels['com.docker.compose.service'], c.ImageID])), 'the result says what runs');
    assert.deepEqual(record.images, result.images);
    assert.ok(seen.some((e) => e.step === 'rollback' && e.state === 'done' && /runs the previous version/.test(e.message ?? '')));
  });
});
