// Deploying staging and production, refusals and rollback, on the rig with a real
// git repository (a temp copy of the project, see test/support/tempProject.ts) and a bare remote.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import type { DualEnvConfig } from '../../../src/core/config';
import { CancelledError, DockerUnreachableError } from '../../../src/core/common/errors';
import { remediesOf } from '../../../src/core/common/remedies';
import { dockerClientFor } from '../../../src/core/docker/client';
import { DatabaseError, SafetyBackupFailedError } from '../../../src/core/database';
import { backupDatabase } from '../../../src/core/operations/backupDatabase';
import { databaseBackups } from '../../../src/core/operations/databaseBackups';
import { DeployRefusedError } from '../../../src/core/operations/deployPreflight';
import { deployProduction, type DeployProductionOptions } from '../../../src/core/operations/deployProduction';
import { ProductionChangedError } from '../../../src/core/operations/operationContext';
import { deployStaging } from '../../../src/core/operations/deployStaging';
import { readHistory } from '../../../src/core/operations/history';
import { acquireLock, LockedError } from '../../../src/core/operations/lock';
import type { DatabaseBackups } from '../../../src/core/operations/backupPort';
import type { OperationDeps } from '../../../src/core/operations/operationContext';
import type { ProgressEvent } from '../../../src/core/common/progress';
import { rollbackProduction } from '../../../src/core/operations/rollbackProduction';
import { composeChecked, projectContainers, projectName, servicesOf, startRig, waitHealthy, type Rig, stackLabel, compose as rigCompose, resetStacks } from '../../rig';
import { watchHttp } from '../../support/httpWatch';
import { makeTempProject, type TempProject } from '../../support/tempProject';

const BRANCH = 'stable/prisma-mysql-$(touch${IFS}pwned);`id`';
const never = () => new AbortController().signal;
// production's data outlives a run: rows of this run carry its own suffix
const RUN = Date.now().toString(36).slice(-6);
const CODE = { before: `BEFORE-${RUN}`, afterBackup: `AFTERBK-${RUN}`, afterRelease3: `AFTER3-${RUN}` };

describe(`deploy staging and production [${stackLabel()}]`, () => {
  let rig: Rig;
  let project: TempProject;
  let config: DualEnvConfig;
  let deps: OperationDeps;
  let backups: DatabaseBackups;
  const events: ProgressEvent[] = [];

  const port = (variable: string) => Number(rig.env[variable]);
  const productionUrl = () => `http://127.0.0.1:${port('PRODUCTION_HTTP_PORT')}`;
  const database = () => mysql.createConnection({
    host: '127.0.0.1', port: port('PRODUCTION_DB_PORT'), user: 'wms_user', password: rig.env.PRODUCTION_DB_PASSWORD, database: 'warehouse_wms',
  });
  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const connection = await database();
    try {
      return (await connection.query(sql, params))[0] as T[];
    } finally {
      await connection.end();
    }
  }
  const hasWarehouse = async (code: string) => (await query<{ n: number }>('SELECT COUNT(*) AS n FROM warehouses WHERE code = ?', [code]))[0].n === 1;
  const addWarehouse = (code: string) => query('INSERT INTO warehouses (code, name, city) VALUES (?, ?, ?)', [code, 'deploy test', 'Testville']);

  /** Production as seen from outside: each container, its image and state, and the data. */
  async function productionSnapshot() {
    const containers = await projectContainers(rig.docker, servicesOf('production'));
    const imageTags = await Promise.all(['wms-frontend', 'wms-backend'].map(async (repo) => (await rig.docker.getImage(`${projectName}/${repo}:production`).inspect()).Id));
    const rows = await query<{ code: string }>('SELECT code FROM warehouses ORDER BY code');
    return {
      containers: containers.map((c) => `${c.Labels['com.docker.compose.service']} ${c.Id} ${c.ImageID} ${c.State}`).sort(),
      imageTags,
      rows: rows.map((r) => r.code),
    };
  }
  const remoteTags = () => project.remoteGit('tag', '--list').trim();
  const deploy = (options: Partial<DeployProductionOptions> = {}, signal = never()) =>
    deployProduction(deps, { confirm: async () => true, stagingFirst: 'ask', healthTimeoutSeconds: 120, ...options }, signal, (e) => events.push(e));
  /** Deploys a backend that builds fine but cannot start: Docker looks its USER up only when `up` starts it. */
  const deployUnstartable = (autoRollback: boolean) => {
    project.write('examples/wms/backend/Dockerfile', project.read('examples/wms/backend/Dockerfile').replace('USER nobody', 'USER no-such-user'));
    return deployProduction(deps, {
      confirm: async () => true, stagingFirst: 'ask', autoRollback, healthTimeoutSeconds: 120, message: `unknown user (auto-rollback ${autoRollback})`,
    }, never(), (e) => events.push(e));
  };
  const version = async (httpPortVariable: string) => (await (await fetch(`http://127.0.0.1:${port(httpPortVariable)}/api/version`)).json()) as { commit: string };

  before(async () => {
    rig = await startRig(['staging', 'production']);
    project = makeTempProject(BRANCH);
    config = project.config();
    assert.equal(config.projectName, projectName, 'the temp project drives the rig\'s compose project');
    backups = databaseBackups(config);
    deps = { config, docker: rig.docker, compose: await rigCompose(), backups };
  });

  after(async () => {
    await query('DELETE FROM warehouses WHERE code IN (?)', [Object.values(CODE)]).catch(() => undefined);
    await resetStacks(rig);
    project?.remove();
  });

  it('deploys staging healthy, with its commit, and leaves production\'s containers alone', async () => {
    const before = await productionSnapshot();
    const result = await deployStaging(deps, { healthTimeoutSeconds: 120 }, never(), (e) => events.push(e));
    const head = project.git('rev-parse', 'HEAD').trim();
    assert.equal(result.commit, head);
    assert.equal(result.branch, BRANCH);
    assert.equal(result.url, `http://127.0.0.1:${port('STAGING_HTTP_PORT')}`);
    assert.equal((await version('STAGING_HTTP_PORT')).commit, head);
    const health = await fetch(`${result.url}/api/health`);
    assert.equal(health.status, 200);
    assert.deepEqual((await productionSnapshot()).containers, before.containers);
    assert.equal(readHistory(config.projectDir, 'staging').at(-1)?.outcome, 'succeeded');
  });

  it('re-initialises staging data from the init SQL, also with its container gone, leaving production alone', async () => {
    const stagingDb = () => mysql.createConnection({
      host: '127.0.0.1', port: port('STAGING_DB_PORT'), user: 'staging_user', password: rig.env.STAGING_DB_PASSWORD, database: 'warehouse_wms_staging',
    });
    const stagingCodes = async () => {
      const connection = await stagingDb();
      try {
        return ((await connection.query('SELECT code FROM warehouses ORDER BY code'))[0] as Array<{ code: string }>).map((r) => r.code);
      } finally {
        await connection.end();
      }
    };
    const addProbe = async () => {
      const connection = await stagingDb();
      try {
        await connection.query('INSERT IGNORE INTO warehouses (code, name, city) VALUES (?, ?, ?)', ['STAGING-ONLY', 'fresh data probe', 'Testville']);
      } finally {
        await connection.end();
      }
    };
    const before = await productionSnapshot();
    // the data volume is found through the running container, and without one through the compose file
    for (const containerGone of [false, true]) {
      await addProbe();
      if (containerGone) await composeChecked(['rm', '--stop', '--force', 'staging-database']);
      await deployStaging(deps, { freshData: { kind: 'init' }, healthTimeoutSeconds: 120 }, never(), (e) => events.push(e));
      const codes = await stagingCodes();
      assert.ok(!codes.includes('STAGING-ONLY'), `the probe row is gone (container gone: ${containerGone})`);
      assert.ok(codes.length > 0, 'the init SQL seeded the table again');
    }
    assert.deepEqual(await productionSnapshot(), before);
  });

  it('refuses a non-matching branch, a dirty tree, a declined confirmation and a held lock, changing nothing', async () => {
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
    assert.deepEqual(await backups.list(config.environments.find((e) => e.isProduction)!), []);
    assert.equal(project.git('rev-parse', 'HEAD').trim(), head);
    assert.equal(remoteTags(), '');
  });

  it('stops with one sentence, before any backup or git change, when production\'s Docker engine does not answer', async () => {
    const production = config.environments.find((e) => e.isProduction)!;
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

  it('keeps staging and production as they were when the staging build fails', async () => {
    const containers = async (environment: 'staging' | 'production') => (await projectContainers(rig.docker, servicesOf(environment))).map((c) => `${c.Id} ${c.ImageID}`).sort();
    const before = { staging: await containers('staging'), production: await productionSnapshot() };
    project.write('examples/wms/backend/Dockerfile', `${project.read('examples/wms/backend/Dockerfile')}RUN exit 3\n`);
    try {
      await assert.rejects(deployStaging(deps, { healthTimeoutSeconds: 120 }, never(), (e) => events.push(e)), /Building staging-frontend, staging-backend failed/);
    } finally {
      project.git('checkout', '--', 'examples/wms/backend/Dockerfile');
    }
    assert.deepEqual(await containers('staging'), before.staging);
    assert.deepEqual(await productionSnapshot(), before.production);
    assert.equal(readHistory(config.projectDir, 'staging').at(-1)?.outcome, 'failed');
  });

  it('names the staging service that crashes and why, leaving production alone; a held staging lock refuses the next', async () => {
    const before = await productionSnapshot();
    project.write('examples/wms/backend/server.js', project.read('examples/wms/backend/server.js')
      .replace("const env = process.env;", "const env = process.env;\nif (env.APP_ENV === 'staging') { console.error('staging needs a setting it lacks'); process.exit(4); }"));
    try {
      await assert.rejects(deployStaging(deps, { healthTimeoutSeconds: 120 }, never(), (e) => events.push(e)),
        /staging-backend did not become healthy: .*staging needs a setting it lacks/);
      assert.equal(readHistory(config.projectDir, 'staging').at(-1)?.outcome, 'failed');
      const lock = acquireLock(config.projectDir, 'staging', 'deploy of a test');
      try {
        await assert.rejects(deployStaging(deps, { healthTimeoutSeconds: 120 }, never()), (error: unknown) => error instanceof LockedError && /staging is busy: deploy of a test/.test(error.message));
      } finally {
        lock.release();
      }
    } finally {
      project.git('checkout', '--', 'examples/wms/backend/server.js');
    }
    assert.deepEqual(await productionSnapshot(), before);
    await deployStaging(deps, { healthTimeoutSeconds: 120 }, never(), (e) => events.push(e));
  });

  it('refuses a commit staging has not run when the configuration requires staging first', async () => {
    project.write('examples/wms/frontend/html/about.html', '<p>about</p>\n');
    project.git('add', '--all');
    project.git('commit', '--quiet', '-m', 'add about page');
    await assert.rejects(deploy({ stagingFirst: 'refuse' }), (error: unknown) => error instanceof DeployRefusedError && /has not been deployed to Staging.*deploy it to staging first/.test(error.message));
  });

  it('stops before any container or git change when the backup fails', async () => {
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
    assert.deepEqual(releaseExports(), exportsBefore, 'the export the failed build read was removed');
    assert.equal((await fetch(`${productionUrl()}/api/health`)).status, 200);
    project.git('revert', '--no-edit', 'HEAD');
  });

  it('stops with production untouched and nothing lost when the remote rejects the push', async () => {
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
    assert.ok((await backups.list(config.environments.find((e) => e.isProduction)!)).some((b) => b.id === record.backupId));
    project.git('revert', '--no-edit', 'HEAD');
  });

  it('deploys with a commit message full of shell metacharacters, passed literally, and shows the commit', async () => {
    const message = 'x"; rm -rf / #$(id) `touch pwned`';
    project.write('examples/wms/frontend/html/index.html', '<p>release 2</p>\n');
    const result = await deploy({ message });
    assert.equal(result.outcome, 'succeeded');
    const head = project.git('rev-parse', 'HEAD').trim();
    assert.equal(result.commit, head);
    assert.equal(project.git('log', '-1', '--format=%B').trim(), message);
    assert.equal(project.remoteGit('rev-parse', `refs/heads/${BRANCH}`).trim(), head);
    assert.equal(project.remoteGit('rev-parse', `refs/tags/${result.tag}^{commit}`).trim(), head);
    // the rejected push just before may have taken this second's name: the retry's gets a suffix
    assert.match(result.tag ?? '', /^production-\d{8}-\d{6}(-\d+)?$/);
    assert.equal((await version('PRODUCTION_HTTP_PORT')).commit, head);
    assert.equal(await (await fetch(productionUrl())).text(), '<p>release 2</p>\n');
    for (const dir of [project.dir, path.dirname(project.dir), process.cwd()]) assert.equal(fs.existsSync(path.join(dir, 'pwned')), false);
    const record = readHistory(config.projectDir, 'production').at(-1)!;
    assert.equal(record.outcome, 'succeeded');
    assert.equal(record.backupId, result.backup?.id);
    assert.deepEqual(Object.keys(record.images ?? {}).sort(), ['production-backend', 'production-frontend']);
  });

  it('rolls back to the old images and the backup\'s data when the health gate fails', async () => {
    const before = await productionSnapshot();
    const oldCommit = (await version('PRODUCTION_HTTP_PORT')).commit;
    await addWarehouse(CODE.before);
    // a production-only crash: staging would run this commit fine
    project.write('examples/wms/backend/server.js', project.read('examples/wms/backend/server.js')
      .replace("const env = process.env;", "const env = process.env;\nif (env.APP_ENV === 'production') { console.error('missing production setting; settings:', env.DB_PASSWORD); process.exit(4); }"));
    const started = events.length;
    const written: Promise<unknown>[] = [];
    const result = await deployProduction(deps, {
      confirm: async () => true, stagingFirst: 'ask', autoRollback: true, healthTimeoutSeconds: 120, message: 'crash in production',
    }, never(), (event) => {
      events.push(event);
      // written after the backup: the rollback must take it away again
      if (event.step === 'backup' && event.state === 'done') written.push(addWarehouse(CODE.afterBackup));
    });
    await Promise.all(written);
    assert.equal(result.outcome, 'rolled-back');
    assert.match(result.error ?? '', /production-backend did not become healthy: (it keeps crashing|its healthcheck fails).*last output: .*missing production setting/);
    const after = await productionSnapshot();
    assert.deepEqual(after.imageTags, before.imageTags, 'the old images run again');
    assert.deepEqual(after.containers.map((c) => c.split(' ')[2]), before.containers.map((c) => c.split(' ')[2]));
    assert.equal(await hasWarehouse(CODE.before), true);
    assert.equal(await hasWarehouse(CODE.afterBackup), false);
    assert.equal((await fetch(`${productionUrl()}/api/health`)).status, 200);
    assert.equal((await version('PRODUCTION_HTTP_PORT')).commit, oldCommit);
    assert.ok(events.slice(started).some((e) => e.step === 'rollback' && e.state === 'done'));
    assert.equal(readHistory(config.projectDir, 'production').at(-1)?.outcome, 'rolled-back');
    // the dying app printed its database password: it reaches no error, progress line or history record
    const password = rig.env.PRODUCTION_DB_PASSWORD;
    assert.match(result.error ?? '', /settings: \*\*\*/);
    for (const [where, text] of [['error', result.error], ['progress', JSON.stringify(events)], ['history', JSON.stringify(readHistory(config.projectDir, 'production'))]]) {
      assert.ok(!text?.includes(password), `the password is in the ${where}`);
    }
    project.git('revert', '--no-edit', 'HEAD');
  });

  it('rolls back too when the new containers fail to start at all, not only at the health gate', async () => {
    const before = await productionSnapshot();
    const result = await deployUnstartable(true);
    assert.equal(result.outcome, 'rolled-back');
    assert.match(result.error ?? '', /no-such-user/);
    const after = await productionSnapshot();
    assert.deepEqual(after.imageTags, before.imageTags, 'the old images run again');
    assert.deepEqual(after.rows, before.rows);
    assert.equal((await fetch(`${productionUrl()}/api/health`)).status, 200);
    project.git('revert', '--no-edit', 'HEAD');
  });

  it('without auto-rollback, says production changed and which backup to roll back to; that rollback restores it', async () => {
    const before = await productionSnapshot();
    const failed = await deployUnstartable(false).then(() => assert.fail('the deploy succeeded'), (error: unknown) => error);
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
    project.git('revert', '--no-edit', 'HEAD');
  });

  it('lets exactly one of two deploys started at once run', async () => {
    project.write('examples/wms/frontend/html/index.html', '<p>release 3</p>\n');
    project.git('commit', '--quiet', '--all', '-m', 'release 3');
    // the rolled-back deploy before left its tag: the changes still count from the last deploy that succeeded
    const lastSucceeded = readHistory(config.projectDir, 'production').filter((r) => r.operation === 'deploy' && r.outcome === 'succeeded').at(-1)!;
    const outcomes = await Promise.allSettled([deploy(), deploy()]);
    const ran = outcomes.filter((o): o is PromiseFulfilledResult<Awaited<ReturnType<typeof deploy>>> => o.status === 'fulfilled');
    assert.equal(ran[0]?.value.plan.since, lastSucceeded.tag);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    assert.equal(ran.length, 1);
    assert.equal(refused.length, 1);
    assert.ok(refused[0].reason instanceof LockedError, String(refused[0].reason));
    assert.equal(await (await fetch(productionUrl())).text(), '<p>release 3</p>\n');
  });

  it('refuses, before asking or changing anything, a rollback whose images are gone from the host', async () => {
    const production = config.environments.find((e) => e.isProduction)!;
    const [newest] = await backups.list(production);
    const before = await productionSnapshot();
    const listed = (await backups.list(production)).map((b) => b.id);
    let asked = false;
    const fake: DatabaseBackups = { ...backups, list: async () => [{ ...newest, images: { 'production-backend': `sha256:${'0'.repeat(64)}` } }] };
    await assert.rejects(
      rollbackProduction({ ...deps, backups: fake }, { backupId: newest.id, confirm: async () => (asked = true) }, never()),
      /The image sha256:000000000000 that production-backend ran before is gone from the Docker host/,
    );
    assert.equal(asked, false);
    assert.deepEqual(await productionSnapshot(), before);
    assert.deepEqual((await backups.list(production)).map((b) => b.id), listed, 'no safety backup was taken');
  });

  it('refuses, before asking or changing anything, a rollback to a backup whose dump was damaged', async () => {
    const production = config.environments.find((e) => e.isProduction)!;
    const [newest] = await backups.list(production);
    const damaged = '20000101-000000';
    fs.cpSync(path.join(production.backups.folder, newest.id), path.join(production.backups.folder, damaged), { recursive: true });
    const manifestFile = path.join(production.backups.folder, damaged, 'manifest.json');
    fs.writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(manifestFile, 'utf8')), id: damaged }));
    const dump = path.join(production.backups.folder, damaged, 'dump.sql.gz');
    const bytes = fs.readFileSync(dump);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    fs.writeFileSync(dump, bytes);
    const before = await productionSnapshot();
    const listed = (await backups.list(production)).map((b) => b.id);
    let asked = false;
    try {
      await assert.rejects(rollbackProduction(deps, { backupId: damaged, confirm: async () => (asked = true) }, never()), /cannot be trusted: .*sha256/);
    } finally {
      fs.rmSync(path.join(production.backups.folder, damaged), { recursive: true });
    }
    assert.equal(asked, false);
    assert.deepEqual(await productionSnapshot(), before);
    assert.deepEqual((await backups.list(production)).map((b) => b.id), listed.filter((id) => id !== damaged), 'no safety backup was taken');
  });

  it('rolls production back to a chosen backup: its data and its images, after a safety backup', async () => {
    const records = readHistory(config.projectDir, 'production').filter((r) => r.outcome === 'succeeded');
    const target = records.at(-1)!; // the release 3 deploy: its backup holds release 2's data and images
    const releaseTwo = records.at(-2)!;
    await addWarehouse(CODE.afterRelease3);
    // retention 1: the safety backup becomes the newest, and the target must not be swept away by it
    const production = config.environments.find((e) => e.isProduction)!;
    const retention = production.backups.retention;
    production.backups.retention = 1;
    const result = await rollbackProduction(deps, { backupId: target.backupId, confirm: async () => true, healthTimeoutSeconds: 120 }, never(), (e) => events.push(e))
      .finally(() => { production.backups.retention = retention; });
    assert.equal(result.outcome, 'succeeded');
    assert.deepEqual((await backups.list(production)).map((b) => b.id), [result.safetyBackup!.id, target.backupId]);
    assert.ok(result.safetyBackup);
    assert.equal(await hasWarehouse(CODE.afterRelease3), false);
    assert.equal(await hasWarehouse(CODE.before), true);
    assert.equal(await (await fetch(productionUrl())).text(), '<p>release 2</p>\n');
    assert.equal((await version('PRODUCTION_HTTP_PORT')).commit, releaseTwo.commit);
    const history = readHistory(config.projectDir, 'production').at(-1)!;
    assert.equal(history.operation, 'rollback');
    assert.equal(history.restoredBackupId, target.backupId);
  });

  it('stops a rollback cancelled while the backup loads beside production, changing nothing', async () => {
    const production = config.environments.find((e) => e.isProduction)!;
    const listed = (await backups.list(production)).map((b) => b.id);
    const before = await productionSnapshot();
    const cancel = new AbortController();
    await assert.rejects(rollbackProduction(deps, { backupId: listed[1], confirm: async () => true }, cancel.signal, (event) => {
      if (event.step === 'restore' && /^Loading /.test(event.logLine ?? event.message ?? '') && !cancel.signal.aborted) cancel.abort();
    }), (error: unknown) => error instanceof CancelledError);
    assert.deepEqual(await productionSnapshot(), before);
    assert.deepEqual((await backups.list(production)).map((b) => b.id), listed);
    assert.equal(readHistory(config.projectDir, 'production').at(-1)?.outcome, 'cancelled');
  });

  it('says, when a rollback fails after replacing the data, which safety backup holds what production had', async () => {
    const code = `ROLLFAIL-${RUN}`;
    await addWarehouse(code);
    const [target] = (await backups.list(config.environments.find((e) => e.isProduction)!)).slice(1);
    // the backend is paused as the health gate starts, so the gate cannot pass, however fast the containers came up
    const backendId = () => execFileSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${config.projectName}`, '--filter', 'label=com.docker.compose.service=production-backend'], { encoding: 'utf8' }).trim();
    const failed = await rollbackProduction(deps, { backupId: target.id, confirm: async () => true, healthTimeoutSeconds: 1 }, never(), (e) => {
      events.push(e);
      if (e.step === 'health' && e.state === 'running') execFileSync('docker', ['pause', backendId()]);
    }).then(() => assert.fail('the rollback succeeded'), (error: unknown) => error);
    execFileSync('docker', ['unpause', backendId()]);
    assert.ok(failed instanceof ProductionChangedError, String(failed));
    assert.match(failed.message, new RegExp(`^Rollback to ${target.id} failed at step health: .*safety backup ${failed.backupId}; run the rollback again, or put that state back by rolling back to ${failed.backupId}\\.$`));
    assert.deepEqual(failed.remedies.map((r) => r.kind === 'rollback' && r.backupId), [target.id, failed.backupId]);
    assert.equal(readHistory(config.projectDir, 'production').at(-1)?.outcome, 'failed');
    // nothing lost: that safety backup brings the row back
    await waitHealthy(rig.docker, servicesOf('production'));
    const back = await rollbackProduction(deps, { backupId: failed.backupId, confirm: async () => true, healthTimeoutSeconds: 120 }, never(), (e) => events.push(e));
    assert.equal(back.outcome, 'succeeded');
    assert.equal(await hasWarehouse(code), true);
    await query('DELETE FROM warehouses WHERE code = ?', [code]);
  });

  it('goes on to the images and health when the safety backup fails after the swap, and names the database that keeps what production held', async () => {
    const code = `HOLDONLY-${RUN}`;
    await addWarehouse(code);
    const production = config.environments.find((e) => e.isProduction)!;
    const [target] = (await backups.list(production)).slice(1);
    const folder = production.backups.folder;
    const aside = `${folder}.aside-${RUN}`;
    let hold: string | undefined;
    try {
      const failed = await rollbackProduction(deps, { backupId: target.id, confirm: async () => true, healthTimeoutSeconds: 120 }, never(), (e) => {
        events.push(e);
        // the backups folder becomes a file as the swap begins: the backup is loaded, the safety backup cannot be written
        if (e.step === 'restore' && /^Swapping /.test(e.logLine ?? '') && !fs.existsSync(aside)) {
          fs.renameSync(folder, aside);
          fs.writeFileSync(folder, 'not a folder');
        }
      }).then(() => assert.fail('the rollback succeeded'), (error: unknown) => error);
      assert.ok(failed instanceof SafetyBackupFailedError, String(failed));
      assert.equal(failed.healthy, true);
      hold = failed.holdingDatabase;
      assert.match(failed.message, new RegExp(`^Production runs the data and images of backup ${target.id} and is healthy\\. .*kept whole in database ${hold} on `));
    } finally {
      if (fs.existsSync(aside)) {
        fs.rmSync(folder, { force: true });
        fs.renameSync(aside, folder);
      }
    }
    // the code followed the data, and production serves
    assert.equal((await version('PRODUCTION_HTTP_PORT')).commit, target.gitCommit);
    assert.equal(await hasWarehouse(code), false);
    const root = await mysql.createConnection({ host: '127.0.0.1', port: port('PRODUCTION_DB_PORT'), user: 'root', password: rig.env.PRODUCTION_DB_ROOT_PASSWORD });
    try {
      const [rows] = await root.query(`SELECT COUNT(*) AS n FROM \`${hold}\`.warehouses WHERE code = ?`, [code]);
      assert.equal(Number((rows as Array<{ n: number }>)[0].n), 1, 'the row written before the swap is in the kept database');
      await root.query(`DROP DATABASE \`${hold}\``);
    } finally {
      await root.end();
    }
    assert.equal(readHistory(config.projectDir, 'production').at(-1)?.outcome, 'failed');
  });

  it('loses no row written every 50 ms throughout a rollback: each is in production or in its safety backup', async () => {
    const production = config.environments.find((e) => e.isProduction)!;
    const [target] = await backups.list(production);
    const code = (n: number) => `W50-${RUN}-${n}`;
    const writerConnection = await database();
    const committed: string[] = [];
    let writing = true;
    const writer = (async () => {
      for (let n = 1; writing; n++) {
        try {
          await writerConnection.query('INSERT INTO warehouses (code, name, city) VALUES (?, ?, ?)', [code(n), 'every 50 ms', 'Testville']);
          committed.push(code(n));
        } catch {
          // not confirmed, so not promised: the application would have told its user
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    let result: Awaited<ReturnType<typeof rollbackProduction>>;
    try {
      await new Promise((r) => setTimeout(r, 300));
      result = await rollbackProduction(deps, { backupId: target.id, confirm: async () => true, healthTimeoutSeconds: 120 }, never(), (e) => events.push(e));
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      writing = false;
      await writer;
      await writerConnection.end();
    }
    assert.equal(result.outcome, 'succeeded');
    const live = new Set((await query<{ code: string }>('SELECT code FROM warehouses WHERE code LIKE ?', [`W50-${RUN}-%`])).map((r) => r.code));
    const dump = zlib.gunzipSync(fs.readFileSync(path.join(production.backups.folder, result.safetyBackup!.id, 'dump.sql.gz'))).toString('utf8');
    const lost = committed.filter((c) => !live.has(c) && !dump.includes(`'${c}'`));
    assert.deepEqual(lost, [], `of ${committed.length} rows written, none is lost`);
    assert.ok(committed.some((c) => !live.has(c)), 'rows written before the swap are only in the safety backup');
    assert.ok(committed.some((c) => live.has(c)), 'rows written after the swap are in production');
    await query('DELETE FROM warehouses WHERE code LIKE ?', [`W50-${RUN}-%`]);
  });

  it('loads a production backup into staging as fresh data', async () => {
    const [newest] = await backups.list(config.environments.find((e) => e.isProduction)!);
    await deployStaging(deps, { freshData: { kind: 'backup', backupId: newest.id }, healthTimeoutSeconds: 120 }, never(), (e) => events.push(e));
    const staging = await mysql.createConnection({
      host: '127.0.0.1', port: port('STAGING_DB_PORT'), user: 'staging_user', password: rig.env.STAGING_DB_PASSWORD, database: 'warehouse_wms_staging',
    });
    try {
      const [rows] = await staging.query('SELECT COUNT(*) AS n FROM warehouses WHERE code = ?', [CODE.before]);
      assert.equal((rows as Array<{ n: number }>)[0].n, 1, 'production\'s row is in staging now');
    } finally {
      await staging.end();
    }
    assert.ok(!(await backups.list(config.environments.find((e) => !e.isProduction)!)).length, 'no staging backup was written into production\'s folder or its own');
  });

  it('stops on a cancel before anything changed, and finishes once past that point', async () => {
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

  it('records, with a manual backup, the ids of the images running and the commit deployed', async () => {
    const production = config.environments.find((e) => e.isProduction)!;
    const record = await backupDatabase({ config, environment: production, docker: rig.docker }, { retention: false }, never());
    const running = await projectContainers(rig.docker, ['production-frontend', 'production-backend']);
    assert.deepEqual(record.images, Object.fromEntries(running.map((c) => [c.Labels['com.docker.compose.service'], c.ImageID])));
    assert.equal(record.gitCommit, (await version('PRODUCTION_HTTP_PORT')).commit);
  });

  /** The temp folders clean exports of a release are built from. */
  const releaseExports = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('dual-env-release-')).sort();

  it('builds production from exactly the tagged commit, not from files changed during the backup', async () => {
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
    try {
      assert.equal(result.outcome, 'succeeded');
      assert.equal(result.commit, tagged);
      assert.equal(project.git('rev-parse', `refs/tags/${result.tag}^{commit}`).trim(), tagged, 'the tag names the commit built');
      assert.equal(await (await fetch(productionUrl())).text(), `<p>tagged ${RUN}</p>\n`, 'the image holds the tagged file, not the auto-save');
      assert.ok(!(await (await fetch(`${productionUrl()}/autosave.html`)).text()).includes(`untracked ${RUN}`), 'an untracked file is not in the image');
      assert.equal((await version('PRODUCTION_HTTP_PORT')).commit, tagged);
      assert.equal(project.read(index), `<p>auto-saved ${RUN}</p>\n`, 'the working tree is left as the editor wrote it');
      assert.deepEqual(releaseExports(), exportsBefore, 'the export was removed');
    } finally {
      project.git('checkout', '--', '.');
      fs.rmSync(path.join(project.dir, 'examples/wms/frontend/html/autosave.html'), { force: true });
    }
  });

  it('commits for --message exactly the files the confirmed plan listed, and builds that commit', async () => {
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
    try {
      assert.deepEqual(listed, [index]);
      assert.equal(result.outcome, 'succeeded');
      assert.equal(project.git('log', '-1', '--format=%s').trim(), 'only the listed file');
      assert.deepEqual(project.git('show', '--name-only', '--format=', 'HEAD').trim().split('\n'), [index], 'the commit holds the listed file only');
      assert.equal(project.git('rev-parse', `refs/tags/${result.tag}^{commit}`).trim(), result.commit);
      assert.deepEqual(project.git('status', '--porcelain').split('\n').filter(Boolean).sort(), [` M ${entrypoint}`, '?? examples/wms/frontend/html/late.html'], 'the later changes stay uncommitted');
      assert.equal(await (await fetch(productionUrl())).text(), `<p>listed ${RUN}</p>\n`);
      assert.ok(!(await (await fetch(`${productionUrl()}/late.html`)).text()).includes(`late ${RUN}`), 'a file the plan did not list is not in the image');
      assert.equal((await version('PRODUCTION_HTTP_PORT')).commit, result.commit);
    } finally {
      project.git('checkout', '--', '.');
      fs.rmSync(path.join(project.dir, 'examples/wms/frontend/html/late.html'), { force: true });
    }
  });

  it('records a stopped service\'s image too, and an auto-rollback brings it back on that image', async () => {
    const [frontend] = await projectContainers(rig.docker, ['production-frontend']);
    const previousFrontend = frontend.ImageID;
    await rig.docker.getContainer(frontend.Id).stop();
    // both images change: the frontend's page, and a backend that crashes in production only
    project.write('examples/wms/frontend/html/index.html', `<p>never served ${RUN}</p>\n`);
    project.write('examples/wms/backend/server.js', project.read('examples/wms/backend/server.js')
      .replace("const env = process.env;", "const env = process.env;\nif (env.APP_ENV === 'production') { console.error('missing production setting'); process.exit(4); }"));
    const seen: ProgressEvent[] = [];
    const result = await deployProduction(deps, {
      confirm: async () => true, stagingFirst: 'ask', autoRollback: true, healthTimeoutSeconds: 120, message: 'crash with the frontend stopped',
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
    project.git('revert', '--no-edit', 'HEAD');
  });
});
