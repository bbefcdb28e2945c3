// The dual-env backup, backups, verify and restore commands on the rig's
// staging database, and production's confirmation without a terminal.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tableChecksums } from '../../../src/core/database';
import { acquireLock } from '../../../src/core/operations/lock';
import { projectContainers, repoRoot, stackLabel, waitHealthy } from '../../rig';
import { runSql, startStackDatabase } from './helpers';

const CLI = path.join(repoRoot, 'src', 'cli', 'main.ts');
const STAGING_FOLDER = path.join(repoRoot, 'backups', 'staging');
const PRODUCTION_FOLDER = path.join(repoRoot, 'backups', 'production');
const STAGING_DB = 'warehouse_wms_staging';

function dualEnv(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const entries = (folder: string) => (fs.existsSync(folder) ? fs.readdirSync(folder) : []);

describe(`dual-env backup, backups, verify, restore [${stackLabel()}]`, () => {
  let db: Awaited<ReturnType<typeof startStackDatabase>>;
  const existing = { staging: [] as string[], production: [] as string[] };

  before(async () => {
    db = await startStackDatabase();
    existing.staging = entries(STAGING_FOLDER);
    existing.production = entries(PRODUCTION_FOLDER);
  });

  after(() => {
    // only what these tests created
    for (const [folder, kept] of [[STAGING_FOLDER, existing.staging], [PRODUCTION_FOLDER, existing.production]] as const) {
      for (const entry of entries(folder)) if (!kept.includes(entry)) fs.rmSync(path.join(folder, entry), { recursive: true, force: true });
    }
  });

  /** A new backup of staging as it is now, through the CLI. */
  function backUpStaging() {
    const backup = dualEnv('backup', 'staging', '--json');
    assert.equal(backup.code, 0, backup.stderr);
    return { backup, record: JSON.parse(backup.stdout) as { id: string; verified: boolean; tables: { name: string }[] } };
  }
  // a test that only needs some backup of staging shares this one, whichever test asks first
  let shared: string | undefined;
  const someBackup = () => (shared ??= backUpStaging().record.id);
  /** `id` copied into production's folder, as a teammate's backup would be. */
  const inProduction = (id: string) => {
    if (!fs.existsSync(path.join(PRODUCTION_FOLDER, id))) fs.cpSync(path.join(STAGING_FOLDER, id), path.join(PRODUCTION_FOLDER, id), { recursive: true });
  };

  it('backs up staging and lists the backup as verified', () => {
    const { backup, record } = backUpStaging();
    const id = record.id;
    assert.equal(record.verified, true);
    assert.ok(record.tables.some((t) => t.name === 'orders'));
    const listed = dualEnv('backups', 'staging', '--json');
    assert.equal(listed.code, 0, listed.stderr);
    const list = JSON.parse(listed.stdout) as { id: string; verified: boolean; complete: boolean }[];
    assert.deepEqual(list.find((b) => b.id === id), { ...list.find((b) => b.id === id), verified: true, complete: true });
    const text = dualEnv('backups', 'staging');
    assert.match(text.stdout, new RegExp(`^${id}\\t.*verified`, 'm'));
    for (const output of [backup.stdout, backup.stderr, listed.stdout, text.stdout]) {
      assert.ok(!output.includes(db.rig.env.STAGING_DB_ROOT_PASSWORD) && !output.includes(db.rig.env.STAGING_DB_PASSWORD));
    }
  });

  it('verifies a good backup (exit 0) and a damaged one (exit 1)', () => {
    const id = someBackup();
    const good = dualEnv('verify', 'staging', id);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /is intact/);
    const damagedId = '20000101-000000';
    fs.cpSync(path.join(STAGING_FOLDER, id), path.join(STAGING_FOLDER, damagedId), { recursive: true });
    fs.appendFileSync(path.join(STAGING_FOLDER, damagedId, 'dump.sql.gz'), 'junk');
    const bad = dualEnv('verify', 'staging', damagedId);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /cannot be trusted: dump\.sql\.gz has \d+ bytes/);
    assert.equal(dualEnv('verify', 'staging', 'nonsense').code, 2);
  });

  it('restores staging from the backup, after a safety backup', async () => {
    const root = db.root(STAGING_DB);
    const expected = await tableChecksums(root, STAGING_DB);
    // a backup of its own: another test may have changed staging since any earlier one
    const { id } = backUpStaging().record;
    await runSql(root, "UPDATE warehouses SET city = 'Changed' WHERE id = 1");
    const restored = dualEnv('restore', 'staging', id);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /Staging now holds backup .* Previous state saved as \d{8}-\d{6}/);
    assert.deepEqual(await tableChecksums(root, STAGING_DB), expected);
  });

  it('restores another environment\'s backup with --from, keeping the safety backup in the restored environment\'s folder; never into production', async () => {
    const root = db.root(STAGING_DB);
    const expected = await tableChecksums(root, STAGING_DB);
    const { id } = backUpStaging().record;
    fs.mkdirSync(PRODUCTION_FOLDER, { recursive: true });
    // production's backup of the same schema, as a teammate's production backup would be
    fs.renameSync(path.join(STAGING_FOLDER, id), path.join(PRODUCTION_FOLDER, id));
    await runSql(root, "UPDATE warehouses SET city = 'Changed by --from' WHERE id = 1");
    const stagingBefore = entries(STAGING_FOLDER);
    const restored = dualEnv('restore', 'staging', id, '--from', 'production');
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, new RegExp(`Staging now holds Production's backup ${id}: .* Previous state saved as (\\d{8}-\\d{6})`));
    assert.deepEqual(await tableChecksums(root, STAGING_DB), expected);
    const safety = /Previous state saved as (\S+)\./.exec(restored.stdout)![1];
    assert.deepEqual(entries(STAGING_FOLDER).filter((entry) => !stagingBefore.includes(entry)), [safety], 'the safety backup is staging\'s own');
    assert.ok(!entries(PRODUCTION_FOLDER).includes(safety));

    const productionBefore = entries(PRODUCTION_FOLDER);
    const reverse = dualEnv('restore', 'production', safety, '--from', 'staging', '--yes');
    assert.equal(reverse.code, 2, reverse.stderr);
    assert.match(reverse.stderr, /Production is restored only from its own backups, never from Staging's; nothing was changed\./);
    assert.deepEqual(entries(PRODUCTION_FOLDER), productionBefore);
    // the other tests count production's folder
    fs.rmSync(path.join(PRODUCTION_FOLDER, id), { recursive: true });
  });

  it('refuses to restore production without a terminal unless --yes is given', () => {
    const id = someBackup();
    fs.mkdirSync(PRODUCTION_FOLDER, { recursive: true });
    inProduction(id);
    const refused = dualEnv('restore', 'production', id);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /no terminal to confirm on; pass --yes/);
    assert.deepEqual(entries(PRODUCTION_FOLDER).sort(), [...existing.production, id].sort(), 'no safety backup was taken');
  });

  it('refuses to replace production\'s data without a safety backup, even with --yes', () => {
    const id = someBackup();
    fs.mkdirSync(PRODUCTION_FOLDER, { recursive: true });
    inProduction(id);
    const refused = dualEnv('restore', 'production', id, '--yes', '--no-safety-backup');
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /Production's data is never replaced without a backup of it first; drop --no-safety-backup/);
    assert.deepEqual(entries(PRODUCTION_FOLDER).sort(), [...existing.production, id].sort());
  });

  it('says in one line, with no password, that the database is down; a restore leaves no half-written safety backup', async () => {
    const id = someBackup();
    const before = entries(STAGING_FOLDER);
    const [database] = await projectContainers(db.rig.docker, ['staging-database']);
    await db.rig.docker.getContainer(database.Id).stop();
    try {
      for (const args of [['restore', 'staging', id], ['backup', 'staging']]) {
        const result = dualEnv(...args);
        assert.equal(result.code, 1, result.stderr);
        // progress lines may come first; the failure is the one line that ends the output
        const failure = result.stderr.trim().split('\n').filter((line) => line.startsWith('dual-env:'));
        assert.equal(failure.length, 1, result.stderr);
        assert.match(failure[0], /^dual-env: Could not connect to (the database \w+|the database server) as root@127\.0\.0\.1:\d+: .*ECONNREFUSED.*; check that the database container runs/);
        for (const secret of [db.rig.env.STAGING_DB_PASSWORD, db.rig.env.STAGING_DB_ROOT_PASSWORD]) assert.ok(!result.stderr.includes(secret), 'a password is in the message');
      }
    } finally {
      await db.rig.docker.getContainer(database.Id).start();
      await waitHealthy(db.rig.docker, ['staging-database']);
    }
    assert.deepEqual(entries(STAGING_FOLDER), before, 'no backup folder, complete or partial, was left');
  });

  it('refuses to restore or back up while a deploy holds the environment, changing nothing', async () => {
    const id = someBackup();
    const root = db.root(STAGING_DB);
    await runSql(root, "UPDATE warehouses SET city = 'Held' WHERE id = 1");
    const expected = await tableChecksums(root, STAGING_DB);
    const before = entries(STAGING_FOLDER);
    const lock = acquireLock(repoRoot, 'staging', 'deploy of a test');
    try {
      const refused = dualEnv('restore', 'staging', id);
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr, /staging is busy: deploy of a test by .*try again when it has finished/);
      // a manual backup's retention could delete what a running rollback brings back
      const backup = dualEnv('backup', 'staging');
      assert.equal(backup.code, 1, backup.stderr);
      assert.match(backup.stderr, /staging is busy: deploy of a test/);
    } finally {
      lock.release();
    }
    assert.deepEqual(await tableChecksums(root, STAGING_DB), expected);
    assert.deepEqual(entries(STAGING_FOLDER), before, 'no safety backup was taken');
  });
});
