// Deploying staging, its fresh data and its failures, on the rig from a temp project
// of each test's own; production must stay as it was throughout.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { acquireLock, LockedError } from '../../../src/core/operations/lock';
import { deployStaging } from '../../../src/core/operations/deployStaging';
import { historyFile, readHistory, type HistoryRecord } from '../../../src/core/operations/history';
import { composeChecked, projectContainers, servicesOf, stackLabel } from '../../rig';
import { BRANCH, RUN, deploySuite, never, type DeployTest } from './deployFixture';

/** The codes of staging's warehouses, in order. */
async function stagingCodes({ stagingDatabase }: DeployTest): Promise<string[]> {
  const connection = await stagingDatabase();
  try {
    return ((await connection.query('SELECT code FROM warehouses ORDER BY code'))[0] as Array<{ code: string }>).map((r) => r.code);
  } finally {
    await connection.end();
  }
}

describe(`deploy staging [${stackLabel()}]`, () => {
  const { fresh } = deploySuite();

  it('deploys staging healthy, with its commit, and leaves production\'s containers alone', async () => {
    const { deps, project, config, events, port, version, productionSnapshot } = await fresh();
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
    const test = await fresh();
    const { deps, config, events, stagingDatabase, productionSnapshot } = test;
    const addProbe = async () => {
      const connection = await stagingDatabase();
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
      const codes = await stagingCodes(test);
      assert.ok(!codes.includes('STAGING-ONLY'), `the probe row is gone (container gone: ${containerGone})`);
      assert.ok(codes.length > 0, 'the init SQL seeded the table again');
    }
    assert.deepEqual(await productionSnapshot(), before);
    // written ahead of each step, the data's too, then its outcome: a deploy no longer heard from says where it stopped
    const last = readHistory(config.projectDir, 'staging').at(-1)!;
    const lines = fs.readFileSync(historyFile(config.projectDir), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as HistoryRecord).filter((r) => r.id === last.id);
    assert.deepEqual(lines.map((r) => `${r.outcome} ${r.step}`), ['unfinished build', 'unfinished data', 'unfinished recreate', 'unfinished health', 'succeeded health']);
  });

  it('keeps staging and production as they were when the staging build fails', async () => {
    const { deps, project, config, events, rig, productionSnapshot } = await fresh();
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
    const failed = readHistory(config.projectDir, 'staging').at(-1);
    assert.deepEqual([failed?.outcome, failed?.step], ['failed', 'build']);
  });

  it('names the staging service that crashes and why, leaving production alone; a held staging lock refuses the next', async () => {
    const { deps, project, config, events, productionSnapshot } = await fresh();
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

  it('loads a production backup into staging as fresh data', async () => {
    const test = await fresh();
    const { deps, events, backups, staging, addWarehouse, manualBackup } = test;
    const code = `TOSTAGING-${RUN}`;
    await addWarehouse(code);
    const backup = await manualBackup();
    await deployStaging(deps, { freshData: { kind: 'backup', backupId: backup.id }, healthTimeoutSeconds: 120 }, never(), (e) => events.push(e));
    assert.ok((await stagingCodes(test)).includes(code), 'production\'s row is in staging now');
    assert.ok(!(await backups.list(staging)).length, 'no staging backup was written into production\'s folder or its own');
  });
});
