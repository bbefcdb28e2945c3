// Rolling production back to a chosen backup: refusals before anything changes, a cancel,
// failures after the data was replaced, and rows written throughout. Each test takes the
// backups it rolls back to itself, in a temp project of its own.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { CancelledError } from '../../../src/core/common/errors';
import { SafetyBackupFailedError } from '../../../src/core/database';
import type { DatabaseBackups } from '../../../src/core/operations/backupPort';
import { historyFile, readHistory, type HistoryRecord } from '../../../src/core/operations/history';
import { LockedError } from '../../../src/core/operations/lock';
import { ProductionChangedError } from '../../../src/core/operations/operationContext';
import { NewVersionRejectedError } from '../../../src/core/operations/replaceWithoutDowntime';
import { rollbackProduction } from '../../../src/core/operations/rollbackProduction';
import { stackLabel, waitHealthy, servicesOf } from '../../rig';
import { RUN, crashInProduction, deploySuite, never } from './deployFixture';

describe(`roll back production [${stackLabel()}]`, () => {
  const { fresh } = deploySuite();

  it('refuses, before asking or changing anything, a rollback whose images are gone from the host', async () => {
    const { deps, backups, production, manualBackup, productionSnapshot } = await fresh();
    await manualBackup();
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
    const { deps, backups, production, manualBackup, productionSnapshot } = await fresh();
    const newest = await manualBackup();
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

  // one scenario, since each step needs the deploys before it: the changes of a deploy count
  // from the last one that succeeded, and the backup of release 3 holds release 2
  it('after a release and a deploy whose new version failed its gate, lets exactly one of two deploys started at once run, counting changes from that release; rolling back to its backup brings release 2\'s data and images back, after a safety backup', async () => {
    const { project, config, deps, events, backups, production, deploy, addWarehouse, hasWarehouse, version, productionUrl } = await fresh();
    const index = 'examples/wms/frontend/html/index.html';
    const code = { before: `BEFORE-${RUN}`, afterRelease3: `AFTER3-${RUN}` };
    project.write(index, '<p>release 2</p>\n');
    assert.equal((await deploy({ message: 'release 2' })).outcome, 'succeeded');
    await addWarehouse(code.before);
    const server = 'examples/wms/backend/server.js';
    const serverBefore = project.read(server);
    project.write(server, crashInProduction(serverBefore));
    await assert.rejects(deploy({ autoRollback: true, message: 'crash in production' }), NewVersionRejectedError);
    project.write(server, serverBefore);

    project.write(index, '<p>release 3</p>\n');
    project.git('commit', '--quiet', '--all', '-m', 'release 3');
    // the failed deploy before left its tag: the changes still count from the last deploy that succeeded
    const lastSucceeded = readHistory(config.projectDir, 'production').filter((r) => r.operation === 'deploy' && r.outcome === 'succeeded').at(-1)!;
    const outcomes = await Promise.allSettled([deploy(), deploy()]);
    const ran = outcomes.filter((o): o is PromiseFulfilledResult<Awaited<ReturnType<typeof deploy>>> => o.status === 'fulfilled');
    assert.equal(ran[0]?.value.plan.since, lastSucceeded.tag);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    assert.equal(ran.length, 1);
    assert.equal(refused.length, 1);
    assert.ok(refused[0].reason instanceof LockedError, String(refused[0].reason));
    assert.equal(await (await fetch(productionUrl())).text(), '<p>release 3</p>\n');

    const records = readHistory(config.projectDir, 'production').filter((r) => r.outcome === 'succeeded');
    const target = records.at(-1)!; // the release 3 deploy: its backup holds release 2's data and images
    const releaseTwo = records.at(-2)!;
    await addWarehouse(code.afterRelease3);
    // retention 1: the safety backup becomes the newest, and the target must not be swept away by it
    production.backups.retention = 1;
    const result = await rollbackProduction(deps, { backupId: target.backupId, confirm: async () => true, healthTimeoutSeconds: 120 }, never(), (e) => events.push(e));
    assert.equal(result.outcome, 'succeeded');
    assert.deepEqual((await backups.list(production)).map((b) => b.id), [result.safetyBackup!.id, target.backupId]);
    assert.ok(result.safetyBackup);
    assert.equal(await hasWarehouse(code.afterRelease3), false);
    assert.equal(await hasWarehouse(code.before), true);
    assert.equal(await (await fetch(productionUrl())).text(), '<p>release 2</p>\n');
    assert.equal((await version('PRODUCTION_HTTP_PORT')).commit, releaseTwo.commit);
    const history = readHistory(config.projectDir, 'production').at(-1)!;
    assert.equal(history.operation, 'rollback');
    assert.equal(history.restoredBackupId, target.backupId);
    // written ahead of each step, then its outcome: a rollback no longer heard from says where it stopped, and which safety backup it took
    const lines = fs.readFileSync(historyFile(config.projectDir), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as HistoryRecord).filter((r) => r.id === history.id);
    assert.deepEqual(lines.map((r) => `${r.outcome} ${r.step} ${r.backupId ?? '-'}`), [
      'unfinished load -', 'unfinished restore -', ...['images', 'recreate', 'health'].map((step) => `unfinished ${step} ${result.safetyBackup!.id}`), `succeeded health ${result.safetyBackup!.id}`,
    ]);
  });

  it('stops a rollback cancelled while the backup loads beside production, changing nothing', async () => {
    const { deps, config, backups, production, manualBackup, productionSnapshot } = await fresh();
    await manualBackup();
    await manualBackup();
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
    const { rig, config, deps, events, manualBackup, addWarehouse, hasWarehouse } = await fresh();
    const target = await manualBackup();
    const code = `ROLLFAIL-${RUN}`;
    await addWarehouse(code);
    // the backend is paused as the health gate starts, so the gate cannot pass, however fast the containers came up
    const backendId = (status?: string) => execFileSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${config.projectName}`, '--filter', 'label=com.docker.compose.service=production-backend',
      ...(status ? ['--filter', `status=${status}`] : [])], { encoding: 'utf8' }).trim();
    // the test's own fault: the cgroup freezer can refuse once on a loaded machine ("unable to freeze"), so it is asked again
    const pause = (id: string) => {
      for (let attempt = 1; ; attempt++) {
        try {
          execFileSync('docker', ['pause', id], { stdio: 'pipe' });
          return;
        } catch (error) {
          if (attempt === 5) throw error;
        }
      }
    };
    const failed = await rollbackProduction(deps, { backupId: target.id, confirm: async () => true, healthTimeoutSeconds: 1 }, never(), (e) => {
      events.push(e);
      if (e.step === 'health' && e.state === 'running') pause(backendId());
    }).then(() => assert.fail('the rollback succeeded'), (error: unknown) => error);
    const paused = backendId('paused');
    if (paused) execFileSync('docker', ['unpause', paused]);
    assert.ok(failed instanceof ProductionChangedError, String(failed));
    assert.match(failed.message, new RegExp(`^Rollback to ${target.id} failed at step health: .*safety backup ${failed.backupId}; run the rollback again, or put that state back by rolling back to ${failed.backupId}\\.$`));
    assert.deepEqual(failed.remedies.map((r) => r.kind === 'rollback' && r.backupId), [target.id, failed.backupId]);
    assert.equal(readHistory(config.projectDir, 'production').at(-1)?.outcome, 'failed');
    // nothing lost: that safety backup brings the row back
    await waitHealthy(rig.docker, servicesOf('production'));
    const back = await rollbackProduction(deps, { backupId: failed.backupId, confirm: async () => true, healthTimeoutSeconds: 120 }, never(), (e) => events.push(e));
    assert.equal(back.outcome, 'succeeded');
    assert.equal(await hasWarehouse(code), true);
  });

  it('goes on to the images and health when the safety backup fails after the swap, and names the database that keeps what production held', async () => {
    const { rig, project, config, deps, events, production, port, version, deploy, manualBackup, addWarehouse, hasWarehouse } = await fresh();
    // the target runs other images than production does when the rollback starts: the code must follow the data
    const target = await manualBackup({ gitCommit: (await version('PRODUCTION_HTTP_PORT')).commit });
    project.write('examples/wms/frontend/html/index.html', `<p>after the target ${RUN}</p>\n`);
    assert.equal((await deploy({ message: 'a release after the target' })).outcome, 'succeeded');
    assert.notEqual((await version('PRODUCTION_HTTP_PORT')).commit, target.gitCommit);
    const code = `HOLDONLY-${RUN}`;
    await addWarehouse(code);
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
    const { deps, events, production, database, query, manualBackup } = await fresh();
    const target = await manualBackup();
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
  });
});
