// A backup of a table holding every column type with edge values restores
// byte for byte; views, routines, triggers and events come back and work; the
// same dump loads with the server's stock client and gives the same checksums; on MySQL and MariaDB.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import type { DatabaseCredentials } from '../../../src/core/config/credentials';
import { createBackup, restoreBackup, tableChecksums, type BackupRecord } from '../../../src/core/database';
import { OBJECTS_SQL, SERVER_FEATURES_SQL, everyTypeSql } from './fixtures';
import {
  adminConnection, appUser, describeOnEachServer, dropDatabases, loadWithStockClient, never, noProgress, rawRows, recreateDatabase, runSql,
  startDatabaseRig, tempFolder, type DatabaseRig,
} from './helpers';

const SOURCE = 'dualenv_rt_source';
const RESTORED = 'dualenv_rt_restored';
const STOCK = 'dualenv_rt_stock';
const AS_USER = 'dualenv_rt_as_user';
const TABLES_IN_ORDER = [['every_type', 'id'], ['child', 'id'], ['parent', 'id'], ['no_key', 'a, b'], ['server_features', 'id']] as const;

describeOnEachServer('backup and restore round trip', (kind) => {
  let db: DatabaseRig;
  let folder: string;
  let backup: BackupRecord;
  let app: DatabaseCredentials;

  before(async () => {
    db = await startDatabaseRig(kind);
    folder = tempFolder('roundtrip');
    await recreateDatabase(db.root(SOURCE), SOURCE);
    await runSql(db.root(SOURCE), everyTypeSql(kind));
    await runSql(db.root(SOURCE), OBJECTS_SQL);
    await runSql(db.root(SOURCE), SERVER_FEATURES_SQL[kind]);
    // an object owned by the app's account, running with its rights, and an event scheduled in a time zone of its own
    app = await appUser(db, SOURCE);
    await runSql(db.root(SOURCE), `CREATE DEFINER='${app.user}'@'%' PROCEDURE as_owner() SQL SECURITY DEFINER SELECT CURRENT_USER() AS who`);
    await runSql(db.root(SOURCE), "SET time_zone = '+05:30'; CREATE EVENT in_kolkata ON SCHEDULE AT '2031-06-01 12:00:00' DISABLE DO DELETE FROM audit WHERE id < 0");
    backup = await createBackup({ credentials: db.root(SOURCE), folder }, { environment: 'staging', gitCommit: 'abc123', images: { 'staging-backend': 'sha256:feed' } }, never(), noProgress);
  });

  after(async () => {
    if (kind === 'mysql') await runSql(db.root(SOURCE), 'SET GLOBAL log_bin_trust_function_creators = 0');
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
    assert.equal(manifest.serverVersion, db.server.version);
    assert.deepEqual(manifest.tables.map((t) => [t.name, t.rows]), [['audit', 0], ['child', 3], ['every_type', 4], ['no_key', 3], ['parent', 2], ['server_features', 2]]);
    assert.deepEqual(manifest.objects.map((o) => `${o.type} ${o.name}`).sort(),
      ['EVENT in_kolkata', 'EVENT nightly_cleanup', 'FUNCTION double_it', 'PROCEDURE add_parent', 'PROCEDURE as_owner', 'TRIGGER child_touches_parent', 'VIEW a_doubled_totals', 'VIEW parent_totals']);
    assert.equal(fs.readdirSync(folder).filter((f) => f.startsWith('.partial')).length, 0);
  });

  it('restores every value byte for byte into another database', async () => {
    await restoreBackup({ credentials: db.root(RESTORED), folder }, { backupId: backup.id }, never(), noProgress);
    for (const [table, order] of TABLES_IN_ORDER) {
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
      assert.equal(Number(edges.lbl), 400000);
      assert.equal(edges.vc, 'Emoji 😀🎉 “quotes” \'single\' "double" back\\slash \\\\ tab\tend');
      assert.equal(Number(edges.f), 1);
      assert.equal(edges.pt, 'POINT(-89.999999 179.999999)');
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
      const [events] = await connection.query('SELECT EVENT_NAME AS name, STATUS AS status FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY name', [RESTORED]);
      assert.deepEqual(events, [{ name: 'in_kolkata', status: 'DISABLED' }, { name: 'nightly_cleanup', status: 'DISABLED' }]);
      const [helpers] = await connection.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dualenv\\_rt\\_restored\\_\\_%'");
      assert.deepEqual(helpers, [], 'scratch and holding databases are gone');
    } finally {
      await connection.end();
    }
  });

  it('keeps invisible columns, -0, JSON as the server returns it, SRIDs and the server\'s own column types', async () => {
    const read = (database: string) => runSql(db.root(database),
      'SELECT id, hidden_note, neg_zero, CAST(neg_zero AS CHAR) AS zero_text, CAST(doc AS CHAR) AS doc, ST_SRID(geo) AS srid, ST_AsText(geo) AS geo FROM server_features ORDER BY id');
    const restored = await read(RESTORED) as Record<string, unknown>[];
    assert.deepEqual(restored, await read(SOURCE));
    assert.equal(restored[0].hidden_note, 'secret');
    assert.equal(restored[1].hidden_note, 'unseen');
    assert.equal(Number(restored[0].srid), 4326);
    // MariaDB stores no negative zero; MySQL does, and a dump must not turn it into +0
    if (kind === 'mysql') assert.equal(restored[0].zero_text, '-0');
    const [create] = await runSql(db.root(RESTORED), 'SHOW CREATE TABLE server_features') as Record<string, string>[];
    assert.match(create['Create Table'], /INVISIBLE/);
    assert.match(create['Create Table'], /CHECK/i);
    if (kind === 'mysql') assert.match(create['Create Table'], /KEY `lower_cs` \(\(lower\(`cs`\)\)\)/);
  });

  it(`writes a dump the stock ${kind} client loads into a database of another name, with the same checksums`, async () => {
    await recreateDatabase(db.root(STOCK), STOCK);
    await loadWithStockClient(db, db.root(STOCK), path.join(backup.path, 'dump.sql.gz'));
    const loaded = await tableChecksums(db.root(STOCK), STOCK);
    assert.deepEqual(loaded, backup.manifest!.tables);
    for (const [table, order] of TABLES_IN_ORDER) {
      assert.deepEqual(await rawRows(db.root(STOCK), table, order), await rawRows(db.root(SOURCE), table, order), table);
    }
    const [totals] = await runSql(db.root(STOCK), 'SELECT COUNT(*) AS n FROM a_doubled_totals') as { n: number }[];
    assert.equal(Number(totals.n), 2, 'the views read the tables of the database they were loaded into');
    const [doubled] = await runSql(db.root(STOCK), 'SELECT double_it(5) AS v') as { v: number }[];
    assert.equal(doubled.v, 10);
  });

  it('gives every object back to its DEFINER, and keeps an event\'s schedule in its time zone', async () => {
    const owners = async (database: string) => await runSql(db.root(database), `
      SELECT CONCAT(ROUTINE_TYPE, ' ', ROUTINE_NAME, ' ', DEFINER, ' ', SECURITY_TYPE) AS o FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '${database}'
      UNION ALL SELECT CONCAT('VIEW ', TABLE_NAME, ' ', DEFINER) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '${database}'
      UNION ALL SELECT CONCAT('TRIGGER ', TRIGGER_NAME, ' ', DEFINER) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '${database}'
      UNION ALL SELECT CONCAT('EVENT ', EVENT_NAME, ' ', DEFINER, ' ', TIME_ZONE, ' ', EXECUTE_AT, ' ', SQL_MODE) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '${database}'
      ORDER BY 1`) as { o: string }[];
    const original = await owners(SOURCE);
    assert.ok(original.some((row) => row.o === `PROCEDURE as_owner ${app.user}@% DEFINER`), JSON.stringify(original));
    assert.ok(original.some((row) => /^EVENT in_kolkata \S+ \+05:30 2031-06-01 12:00:00/.test(row.o)), JSON.stringify(original));
    assert.deepEqual(await owners(RESTORED), original, 'our restore');
    assert.deepEqual(await owners(STOCK), original, 'the stock client as root');
    await runSql(db.root(RESTORED), `GRANT ALL PRIVILEGES ON \`${RESTORED}\`.* TO '${app.user}'@'%'`);
    const [who] = await runSql(db.root(RESTORED), 'CALL as_owner()') as unknown as { who: string }[][];
    assert.equal(who[0].who, `${app.user}@%`, 'the procedure runs with its owner\'s rights, not root\'s');
  });

  it('restores as an account that may not name other definers, and says which objects became its own', async () => {
    // the account may make the restore's scratch and holding databases beside its own
    await runSql(db.root(SOURCE), `GRANT ALL PRIVILEGES ON \`${AS_USER.replace(/_/g, '\\_')}%\`.* TO '${app.user}'@'%'`);
    // with the binary log on (MySQL's default) only an account trusted with it may create functions
    if (kind === 'mysql') await runSql(db.root(SOURCE), 'SET GLOBAL log_bin_trust_function_creators = 1');
    const asApp = { ...app, database: AS_USER };
    const events: string[] = [];
    const result = await restoreBackup({ credentials: asApp, folder }, { backupId: backup.id, safetyBackup: false }, never(), (event) => { if (event.message) events.push(event.message); });
    assert.deepEqual(await tableChecksums(db.root(AS_USER), AS_USER), backup.manifest!.tables);
    const rootOwned = result.changedOwner.map((text) => text.replace(/ \(was .*\)$/, '')).sort();
    assert.deepEqual(rootOwned, ['EVENT in_kolkata', 'EVENT nightly_cleanup', 'FUNCTION double_it', 'PROCEDURE add_parent', 'TRIGGER child_touches_parent', 'VIEW a_doubled_totals', 'VIEW parent_totals']);
    assert.ok(events.some((message) => message.includes('now its own') && message.includes('PROCEDURE add_parent (was root@%)')), events.join('\n'));
    const [row] = await runSql(app, `SELECT DEFINER AS who FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '${AS_USER}' AND ROUTINE_NAME = 'add_parent'`) as { who: string }[];
    assert.equal(row.who, `${app.user}@%`);
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
