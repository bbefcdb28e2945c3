// Production deploys that stop before production changes: refusals, a dead engine, a failed
// backup, build or push, and a cancel. Each test deploys from a temp project of its own.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CancelledError, DockerUnreachableError } from '../../../src/core/common/errors';
import type { ProgressEvent } from '../../../src/core/common/progress';
import { remediesOf } from '../../../src/core/common/remedies';
import { DatabaseError } from '../../../src/core/database';
import { dockerClientFor } from '../../../src/core/docker/client';
import { DeployRefusedError } from '../../../src/core/operations/deployPreflight';
import { deployProduction, type DeployProductionOptions } from '../../../src/core/operations/deployProduction';
import { readHistory } from '../../../src/core/operations/history';
import { acquireLock, LockedError } from '../../../src/core/operations/lock';
import { projectContainers, servicesOf, stackLabel, waitHealthy } from '../../rig';
import { watchHttp } from '../../support/httpWatch';
import { BRANCH, deploySuite, never, releaseExports, releaseExportsLeftSince } from './deployFixture';

describe(`production deploys refused, failing or cancelled before production changes [${stackLabel()}]`, () => {
  const { fresh } = deploySuite();

  it('refuses a non-matching branch, a dirty tree, a declined confirmation and a held lock, changing nothing', async () => {
    const { project, config, backups, production, deploy, productionSnapshot, remoteTags } = await fresh();
    const before = await productionSnapshot();
    const head = project.git('rev-parse', 'HEAD').trim();

    project.git('checkout', '--quiet', '-b', 'feature/not-allowed');
    await assert.rejects(deploy(), (error: unknown) => error instanceof DeployRefusedError && /"feature\/not-allowed" does not/.test(error.message));
    project.git('checkout', '--quiet', BRANCH);
    project.git('branch', '-D', 'feature/not-allowed');

    project.write('examples/wms/frontend/html/index.html', '<p>uncommitted</p>\n');
    await assert.rejects(deploy(), (error: unknown) => error instanceof DeployRefusedError && /uncommitted changes \(examples\/wms\/frontend\/html\/index.html\)/.test(error.message));
    project.git('checkout', '--', '.');

    let plan: Parameters<DeployProductionOptions['confirm']>[0] | undefined;
    const declined = await deploy({ confirm: async (p) => { plan = p; return false; } });
    assert.equal(declined.outcome, 'declined');
    assert.equal(plan?.branch, BRANCH);
    assert.equal(plan?.commit.hash, head);
    assert.match(plan?.backup ?? '', /verified backup of the warehouse_wms database/);
    assert.deepEqual(plan?.changes.map((c) => c.subject), ['initial']);

    const held = acquireLock(config.projectDir, 'production', 'a deploy started elsewhere');
    try {
      await assert.rejects(deploy(), (error: unknown) => error instanceof LockedError && /production is busy: a deploy started elsewhere by/.test(error.message));
    } finally {
      held.release();
    }

    assert.deepEqual(await productionSnapshot(), before);
    assert.deepEqual(await backups.list(production), []);
    assert.equal(project.git('rev-parse', 'HEAD').trim(), head);
    assert.equal(remoteTags(), '');
  });

  it('stops with one sentence, before any backup or git change, when production\'s Docker engine does not answer', async () => {
    const { project, config, deps, backups, production } = await fresh();
    const head = project.git('rev-parse', 'HEAD').trim();
    const tags = project.git('tag', '--list');
    const listed = (await backups.list(production)).map((b) => b.id);
    const dead = { ...production, dockerHost: `unix://${path.join(project.dir, 'no-engine.sock')}` };
    const deadConfig = { ...config, environments: config.environments.map((e) => (e.isProduction ? dead : e)) };
    const failed = await deployProduction({ ...deps, config: deadConfig, docker: dockerClientFor(dead) }, { confirm: async () => true, stagingFirst: 'ask' }, never())
      .then(() => assert.fail('the deploy succeeded'), (error: unknown) => error as Error);
    assert.ok(failed instanceof DockerUnreachableError, String(failed));
    assert.equal(failed.message.split('\n').length, 1);
    assert.match(failed.message, /no-engine\.sock/);
    assert.equal(project.git('rev-parse', 'HEAD').trim(), head);
    assert.equal(project.git('tag', '--list'), tags);
    assert.deepEqual((await backups.list(production)).map((b) => b.id), listed);
  });

  it('refuses a commit staging has not run when the configuration requires staging first', async () => {
    const { project, deploy } = await fresh();
    project.write('examples/wms/frontend/html/about.html', '<p>about</p>\n');
    project.git('add', '--all');
    project.git('commit', '--quiet', '-m', 'add about page');
    await assert.rejects(deploy({ stagingFirst: 'refuse' }), (error: unknown) => error instanceof DeployRefusedError && /has not been deployed to Staging.*deploy it to staging first/.test(error.message));
  });

  it('stops before any container or git change when the backup fails', async () => {
    const { rig, project, config, deploy, productionSnapshot, remoteTags } = await fresh();
    const before = await productionSnapshot();
    const head = project.git('rev-parse', 'HEAD').trim();
    project.write('examples/wms/frontend/html/index.html', '<p>would be committed</p>\n');
    const databaseContainer = (await projectContainers(rig.docker, ['production-database']))[0];
    await rig.docker.getContainer(databaseContainer.Id).stop();
    try {
      await assert.rejects(deploy({ message: 'never committed' }), (error: unknown) => error instanceof DatabaseError);
      const containers = (await projectContainers(rig.docker, servicesOf('production'))).map((c) => `${c.Labels['com.docker.compose.service']} ${c.Id} ${c.ImageID}`).sort();
      assert.deepEqual(containers, before.containers.map((c) => c.split(' ').slice(0, 3).join(' ')));
      assert.equal(project.git('rev-parse', 'HEAD').trim(), head);
      assert.match(project.git('status', '--porcelain'), /index\.html/);
      assert.equal(project.git('tag', '--list').trim(), '');
      assert.equal(remoteTags(), '');
      assert.equal(readHistory(config.projectDir, 'production').at(-1)?.outcome, 'failed');
    } finally {
      await rig.docker.getContainer(databaseContainer.Id).start();
      await waitHealthy(rig.docker, ['production-database']);
      project.git('checkout', '--', '.');
    }
    assert.deepEqual(await productionSnapshot(), before);
  });

  it('keeps the old production serving when the build fails', async () => {
    const { project, deploy, productionUrl, productionSnapshot } = await fresh();
    const before = await productionSnapshot();
    project.write('examples/wms/backend/Dockerfile', `${project.read('examples/wms/backend/Dockerfile')}RUN echo "broken on purpose" && exit 3\n`);
    const exportsBefore = releaseExports();
    const watch = watchHttp(`${productionUrl()}/api/health`);
    try {
      await assert.rejects(deploy({ message: 'break the backend build' }), /Building production-frontend, production-backend failed/);
    } finally {
      const seen = await watch.stop();
      assert.ok(seen.requests > 5, 'production was polled throughout');
      assert.deepEqual(seen.failures, [], 'production answered 200 throughout the failed deploy');
    }
    const after = await productionSnapshot();
    assert.deepEqual(after.containers, before.containers);
    assert.deepEqual(after.imageTags, before.imageTags, 'the compose image names point at the live images again');
    assert.deepEqual(releaseExportsLeftSince(exportsBefore), [], 'the export the failed build read was removed');
    assert.equal((await fetch(`${productionUrl()}/api/health`)).status, 200);
  });

  it('stops with production untouched and nothing lost when the remote rejects the push', async () => {
    const { project, config, backups, production, deploy, productionSnapshot, remoteTags } = await fresh();
    // the remote holds the branch already, as pushed by an earlier deploy or a teammate
    project.git('push', '--quiet', 'origin', BRANCH);
    const before = await productionSnapshot();
    const remoteHead = project.remoteGit('rev-parse', `refs/heads/${BRANCH}`).trim();
    const tagsBefore = remoteTags();
    const hook = path.join(project.remote, 'hooks', 'pre-receive');
    fs.writeFileSync(hook, '#!/bin/sh\necho "push denied by policy" >&2\nexit 1\n', { mode: 0o755 });
    project.write('examples/wms/frontend/html/index.html', '<p>never pushed</p>\n');
    try {
      const failed = await deploy({ message: 'rejected by the remote' }).then(() => assert.fail('the deploy succeeded'), (error: unknown) => error as Error);
      assert.match(failed.message, /push denied by policy/);
      assert.deepEqual(remediesOf(failed).filter((r) => r.kind === 'rollback'), [], 'production never changed: nothing to roll back');
    } finally {
      fs.rmSync(hook);
    }
    assert.deepEqual(await productionSnapshot(), before);
    assert.equal(project.remoteGit('rev-parse', `refs/heads/${BRANCH}`).trim(), remoteHead);
    assert.equal(remoteTags(), tagsBefore);
    // the work is kept: committed locally, with the backup taken before
    assert.equal(project.git('log', '-1', '--format=%s').trim(), 'rejected by the remote');
    const record = readHistory(config.projectDir, 'production').at(-1)!;
    assert.equal(record.outcome, 'failed');
    assert.ok((await backups.list(production)).some((b) => b.id === record.backupId));
  });

  it('stops on a cancel before anything changed, and finishes once past that point', async () => {
    const { project, config, deps, productionUrl, productionSnapshot } = await fresh();
    const before = await productionSnapshot();
    const head = project.git('rev-parse', 'HEAD').trim();
    const tags = project.git('tag', '--list');
    const early = new AbortController();
    await assert.rejects(deployProduction(deps, { confirm: async () => true, stagingFirst: 'ask' }, early.signal, (event) => {
      if (event.step === 'backup' && event.state === 'running' && !early.signal.aborted) early.abort();
    }), (error: unknown) => error instanceof CancelledError);
    assert.deepEqual((await productionSnapshot()).containers, before.containers);
    assert.equal(project.git('rev-parse', 'HEAD').trim(), head);
    assert.equal(project.git('tag', '--list'), tags);
    assert.equal(readHistory(config.projectDir, 'production').at(-1)?.outcome, 'cancelled');

    project.write('examples/wms/frontend/html/index.html', '<p>release 4</p>\n');
    const late = new AbortController();
    const seen: ProgressEvent[] = [];
    const result = await deployProduction(deps, { confirm: async () => true, stagingFirst: 'ask', message: 'release 4', healthTimeoutSeconds: 120 }, late.signal, (event) => {
      seen.push(event);
      if (event.step === 'build' && event.state === 'running' && !late.signal.aborted) late.abort();
    });
    assert.equal(result.outcome, 'succeeded');
    assert.ok(seen.some((e) => /^Cannot stop now, finishing step build/.test(e.message ?? '')), 'the cancel request was answered');
    assert.equal(await (await fetch(productionUrl())).text(), '<p>release 4</p>\n');
  });
});
