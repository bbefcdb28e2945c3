// A backup of a table holding every column type with edge values restores
// byte for byte; views, routines, triggers and events come back and work; the
// same dump loads with the stock mariadb client and gives the same checksums.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createBackup, restoreBackup, tableChecksums, type BackupRecord } from '../../../src/core/database';
import { EVERY_TYPE_SQL, OBJECTS_SQL } from './fixtures';
import {
  adminConnection, dropDatabases, loadWithStockClient, never, noProgress, rawRows, recreateDatabase, runSql,
  startDatabaseRig, tempFolder, type DatabaseRig,
} from './helpers';

const SOURCE = 'dualenv_rt_source';
const RESTORED = 'dualenv_rt_restored';
const STOCK = 'dualenv_rt_stock';
const AS_USER = 'dualenv_rt_as_user';

describe('backup and restore round trip', () => {
  let db: DatabaseRig;
  let folder: string;
  let backup: BackupRecord;

  before(async () => {
    db = await startDatabaseRig();
    folder = tempFolder('roundtrip');
    await recreateDatabase(db.root(SOURCE), SOURCE);
    await runSql(db.root(SOURCE), EVERY_TYPE_SQL);
    await runSql(db.root(SOURCE), OBJECTS_SQL);
    backup = await createBackup({ credentials: db.root(SOURCE), folder }, { environment: 'staging', gitCommit: 'abc123', images: { 'staging-backend': 'sha256:feed' } }, never(), noProgress);
  });

  after(async () => {
    await runSql(db.root(SOURCE), `REVOKE ALL PRIVILEGES ON \`${AS_USER}\`.* FROM 'staging_user'@'%'`).catch(() => undefined);
    await dropDatabases(db.root(SOURCE), SOURCE, RESTORED, STOCK, AS_USER);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('writes a verified backup folder with a manifest and no password', () => {
    assert.equal(backup.complete, true);
    assert.equal(backup.verified, true);
    assert.match(backup.id, /^\d{8}-\d{6}$/);
    assert.deepEqual(fs.readdirSync(backup.path).sort(), ['dump.sql.gz', 'manifest.json']);
    const manifestText = fs.readFileSync(path.join(backup.path, 'manifest.json'), 'utf8');
    assert.ok(!manifestText.includes(db.root(SOURCE).password), 'the manifest holds the password');
    const manifest = backup.manifest!;
    assert.equal(manifest.database, SOURCE);
    assert.equal(manifest.gitCommit, 'abc123');
    assert.deepEqual(manifest.images, { 'staging-backend': 'sha256:feed' });
    assert.match(manifest.serverVersion, /MariaDB/);
    assert.deepEqual(manifest.tables.map((t) => [t.name, t.rows]), [['audit', 0], ['child', 3], ['every_type', 4], ['no_key', 3], ['parent', 2]]);
    assert.deepEqual(manifest.objects.map((o) => `${o.type} ${o.name}`).sort(),
      ['EVENT nightly_cleanup', 'FUNCTION double_it', 'PROCEDURE add_parent', 'TRIGGER child_touches_parent', 'VIEW a_doubled_totals', 'VIEW parent_totals']);
    assert.equal(fs.readdirSync(folder).filter((f) => f.startsWith('.partial')).length, 0);
  });

  it('restores every value byte for byte into another database', async () => {
    await restoreBackup({ credentials: db.root(RESTORED), folder }, { backupId: backup.id }, never(), noProgress);
    for (const [table, order] of [['every_type', 'id'], ['child', 'id'], ['parent', 'id'], ['no_key', 'a, b']] as const) {
      const original = await rawRows(db.root(SOURCE), table, order);
      const restored = await rawRows(db.root(RESTORED), table, order);
      assert.equal(restored.length, original.length, `${table}: row count`);
      original.forEach((row, r) => row.forEach((value, c) => {
        assert.deepEqual(restored[r][c], value, `${table} row ${r} column ${c}`);
      }));
    }
    // the edge values really are there (not, say, both sides empty)
    const connection = await adminConnection(db.root(RESTORED));
    try {
      const [rows] = await connection.query(
        "SELECT HEX(tx) AS tx, LENGTH(lbl) AS lbl, vc, vc IS NULL AS vcNull, dt, HEX(b64) AS b64, f = CAST(0.1 AS FLOAT) AS f, d, ST_AsText(pt) AS pt, ST_SRID(pt) AS srid, gen_stored FROM every_type ORDER BY id");
      const [max, edges, nulls, zeros] = rows as Record<string, unknown>[];
      assert.equal(edges.tx, Buffer.from('NUL:\0:^Z:\x1a:cr:\r:lf:\n:').toString('hex').toUpperCase());
      assert.equal(edges.lbl, 400000);
      assert.equal(edges.vc, 'Emoji 😀🎉 “quotes” \'single\' "double" back\\slash \\\\ tab\tend');
      assert.equal(Number(edges.f), 1);
      assert.equal(edges.pt, 'POINT(-179.999999 89.999999)');
      assert.equal(Number(edges.srid), 4326);
      assert.equal(max.b64, 'FFFFFFFFFFFFFFFF');
      assert.equal(max.d, '-99999999999999999999999999999999999.999999999999999999999999999999');
      assert.equal(max.gen_stored, '-4611686018427387904');
      assert.equal(Number(nulls.vcNull), 1);
      assert.equal(zeros.vc, 'NULL');
      assert.equal(zeros.dt, '0000-00-00');
    } finally {
      await connection.end();
    }
  });

  it('brings back views, routines, triggers and events that work', async () => {
    const connection = await adminConnection(db.root(RESTORED));
    try {
      const [[doubled]] = await connection.query('SELECT double_it(21) AS v') as unknown as [{ v: number }[]];
      assert.equal(doubled.v, 42);
      const [totals] = await connection.query('SELECT id, doubled, total FROM a_doubled_totals ORDER BY id');
      assert.deepEqual(totals, [{ id: 1, doubled: 2, total: '3.7500' }, { id: 2, doubled: 4, total: '-3.1250' }]);
      await connection.query("CALL add_parent(3, 'three')");
      const [audit] = await connection.query('SELECT what FROM audit');
      assert.deepEqual(audit, [{ what: 'added three' }]);
      await connection.query('INSERT INTO child VALUES (13, 3, 0)');
      const [[parent]] = await connection.query('SELECT touched FROM parent WHERE id = 3') as unknown as [{ touched: number }[]];
      assert.equal(parent.touched, 1, 'the trigger fired');
      const [events] = await connection.query('SELECT EVENT_NAME AS name, STATUS AS status FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?', [RESTORED]);
      assert.deepEqual(events, [{ name: 'nightly_cleanup', status: 'DISABLED' }]);
      const [helpers] = await connection.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dualenv\\_rt\\_restored\\_\\_%'");
      assert.deepEqual(helpers, [], 'scratch and holding databases are gone');
    } finally {
      await connection.end();
    }
  });

  it('writes a dump the stock mariadb client loads, with the same checksums', async () => {
    await recreateDatabase(db.root(STOCK), STOCK);
    await loadWithStockClient(db.root(STOCK), path.join(backup.path, 'dump.sql.gz'));
    const loaded = await tableChecksums(db.root(STOCK), STOCK);
    assert.deepEqual(loaded, backup.manifest!.tables);
    const original = await rawRows(db.root(SOURCE), 'every_type', 'id');
    assert.deepEqual(await rawRows(db.root(STOCK), 'every_type', 'id'), original);
    const [doubled] = await runSql(db.root(STOCK), 'SELECT double_it(5) AS v') as { v: number }[];
    assert.equal(doubled.v, 10);
  });

  it('loads, without DEFINER clauses, as a user other than the one that defined the objects', async () => {
    await recreateDatabase(db.root(AS_USER), AS_USER);
    await runSql(db.root(AS_USER), `GRANT ALL PRIVILEGES ON \`${AS_USER}\`.* TO 'staging_user'@'%'`);
    const appUser = { ...db.root(AS_USER), user: 'staging_user', password: db.rig.env.STAGING_DB_PASSWORD };
    await loadWithStockClient(appUser, path.join(backup.path, 'dump.sql.gz'));
    assert.deepEqual(await tableChecksums(appUser, AS_USER), backup.manifest!.tables);
    const [row] = await runSql(appUser, 'SELECT doubled FROM a_doubled_totals WHERE id = 2') as { doubled: number }[];
    assert.equal(row.doubled, 4);
    const [definer] = await runSql(db.root(AS_USER), `SELECT DEFINER AS who FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '${AS_USER}' LIMIT 1`) as { who: string }[];
    assert.match(definer.who, /^staging_user@/);
  });

  it('gives checksums that see a changed value, and a backup in parallel equals one without', async () => {
    const before = await tableChecksums(db.root(SOURCE), SOURCE);
    await runSql(db.root(SOURCE), "UPDATE child SET amount = amount + 0.0001 WHERE id = 10");
    const changed = await tableChecksums(db.root(SOURCE), SOURCE);
    assert.notEqual(changed.find((t) => t.name === 'child')!.checksum, before.find((t) => t.name === 'child')!.checksum);
    assert.deepEqual(changed.filter((t) => t.name !== 'child'), before.filter((t) => t.name !== 'child'));
    const serial = await createBackup({ credentials: db.root(SOURCE), folder, dump: { parallel: 1 } }, { environment: 'staging' }, never(), noProgress);
    const parallel = await createBackup({ credentials: db.root(SOURCE), folder, dump: { parallel: 4 } }, { environment: 'staging' }, never(), noProgress);
    assert.deepEqual(serial.manifest!.tables, changed);
    assert.deepEqual(parallel.manifest!.tables, changed);
  });
});
