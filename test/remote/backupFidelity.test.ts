// A backup of a remote environment written through the server's volume place (the helper
// container) brings back every object of the database as it was: views, procedures and
// functions with their DEFINER, triggers, events in their time zone, generated columns;
// backup → verify → restore, on MySQL and on MariaDB, each run on the remote server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import type { Connection } from 'mysql2/promise';
import { backupDatabase } from '../../src/core/operations/backupDatabase';
import { backupPlaceOf } from '../../src/core/operations/backupPlaceOf';
import { restoreDatabase } from '../../src/core/operations/restoreDatabase';
import type { BackupRecord } from '../../src/core/database';
import { startRemoteServer, type RemoteServer } from '../rig';
import { OBJECTS_SQL, SERVER_FEATURES_SQL, everyTypeSql } from '../integration/database/fixtures';
import { describeOnEachServer } from '../integration/database/helpers';
import { startRemoteDatabase, type RemoteDatabase } from './remoteDatabase';

/** Every object's definition and owner as the server reports it, in one comparable list. */
async function definitions(connection: Connection, database: string): Promise<string[]> {
  const [rows] = await connection.query(`
    SELECT CONCAT_WS(' | ', ROUTINE_TYPE, ROUTINE_NAME, DEFINER, SECURITY_TYPE, SQL_MODE, IS_DETERMINISTIC, SQL_DATA_ACCESS, DTD_IDENTIFIER, ROUTINE_DEFINITION) AS d
      FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?
    UNION ALL SELECT CONCAT_WS(' | ', 'PARAMETER', SPECIFIC_NAME, ORDINAL_POSITION, PARAMETER_MODE, PARAMETER_NAME, DTD_IDENTIFIER)
      FROM information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA = ?
    UNION ALL SELECT CONCAT_WS(' | ', 'VIEW', TABLE_NAME, DEFINER, SECURITY_TYPE, CHECK_OPTION, VIEW_DEFINITION)
      FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?
    UNION ALL SELECT CONCAT_WS(' | ', 'TRIGGER', TRIGGER_NAME, DEFINER, ACTION_TIMING, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, ACTION_ORDER, SQL_MODE, ACTION_STATEMENT)
      FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?
    UNION ALL SELECT CONCAT_WS(' | ', 'EVENT', EVENT_NAME, DEFINER, TIME_ZONE, EVENT_TYPE, EXECUTE_AT, INTERVAL_VALUE, INTERVAL_FIELD, STARTS, STATUS, ON_COMPLETION, SQL_MODE, EVENT_DEFINITION)
      FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?
    UNION ALL SELECT CONCAT_WS(' | ', 'GENERATED', TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, EXTRA, GENERATION_EXPRESSION)
      FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND GENERATION_EXPRESSION IS NOT NULL AND GENERATION_EXPRESSION <> ''
    ORDER BY 1`, [database, database, database, database, database, database]);
  // MySQL keeps a body's closing `;` when the CREATE came in a multi-statement query (as the
  // fixtures do); a restore sends each statement alone. The terminator is not the definition.
  return (rows as { d: string }[]).map((row) => row.d.replace(/;\s*$/, ''));
}

/** A table's rows as raw bytes in key order, to see the data came back too. */
async function rawRows(connection: Connection, table: string, orderBy: string): Promise<unknown> {
  const [rows] = await connection.query({ sql: `SELECT * FROM \`${table}\` ORDER BY ${orderBy}`, rowsAsArray: true, typeCast: false });
  return rows;
}

const signal = () => new AbortController().signal;

describeOnEachServer('a backup kept on the server brings every object back with its definer and definition', (kind) => {
  let server: RemoteServer;
  let db: RemoteDatabase;
  let connection: Connection;
  let database: string;
  let appUser: string;
  let original: string[];
  let originalRows: unknown;
  let backup: BackupRecord;

  before(async () => {
    server = await startRemoteServer();
    db = await startRemoteDatabase(server, kind, `fidelity-${kind}`, kind === 'mysql' ? 20 : 21);
    database = db.production.database!.name;
    appUser = db.production.database!.user;
    connection = await db.connect();
    // a database left by an interrupted run starts afresh; the app's account keeps its grants (they name the database)
    await connection.query(`DROP DATABASE IF EXISTS \`${database}\`; CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; USE \`${database}\``);
    await connection.query(everyTypeSql(kind));
    await connection.query("SET SESSION sql_mode = DEFAULT");
    await connection.query(OBJECTS_SQL);
    await connection.query(SERVER_FEATURES_SQL[kind]);
    // objects owned by the app's account: one running with its rights, one with the caller's; an event in a time zone of its own
    await connection.query(`CREATE DEFINER='${appUser}'@'%' PROCEDURE as_owner() SQL SECURITY DEFINER SELECT CURRENT_USER() AS who`);
    await connection.query(`CREATE DEFINER='${appUser}'@'%' SQL SECURITY INVOKER VIEW app_parents AS SELECT id, name FROM parent WHERE id > 0 WITH CHECK OPTION`);
    await connection.query(`CREATE DEFINER='${appUser}'@'%' TRIGGER audit_stamp BEFORE INSERT ON audit FOR EACH ROW SET NEW.what = CONCAT(NEW.what, ' (audited)')`);
    await connection.query("SET time_zone = '+05:30'; CREATE EVENT in_kolkata ON SCHEDULE AT '2031-06-01 12:00:00' DISABLE DO DELETE FROM audit WHERE id < 0; SET time_zone = '+00:00'");
    original = await definitions(connection, database);
    originalRows = await rawRows(connection, 'every_type', 'id');
  });

  after(async () => {
    await connection?.end().catch(() => undefined);
    await db?.remove();
  });

  it('writes the backup into the volume on the server, verified, with every object in its manifest', async () => {
    backup = await backupDatabase({ config: db.config, environment: db.production }, { reason: 'fidelity' }, signal());
    assert.equal(backup.verified, true);
    assert.match(backup.path, /^volume dual-env-backups\..* on ssh:\/\//, 'the backup went to the volume place');
    assert.equal(fs.existsSync(path.join(db.production.backups.folder, backup.id)), false, 'nothing of it is on this machine');
    assert.deepEqual(backup.manifest!.objects.map((o) => `${o.type} ${o.name}`).sort(), [
      'EVENT in_kolkata', 'EVENT nightly_cleanup', 'FUNCTION double_it', 'PROCEDURE add_parent', 'PROCEDURE as_owner',
      'TRIGGER audit_stamp', 'TRIGGER child_touches_parent', 'VIEW a_doubled_totals', 'VIEW app_parents', 'VIEW parent_totals',
    ]);
  });

  it('verifies whole on the server', async () => {
    const result = await backupPlaceOf(db.config, db.production).verify(backup.id, signal());
    assert.deepEqual(result.problems, []);
    assert.equal(result.ok, true);
  });

  it('restores every view, routine, trigger, event and generated column with its definer and definition', async () => {
    // what a bad release might do: objects dropped, redefined, a generated column gone
    await connection.query(`DROP VIEW app_parents; DROP PROCEDURE as_owner; DROP FUNCTION double_it;
      CREATE FUNCTION double_it(x INT) RETURNS INT DETERMINISTIC RETURN x * 3;
      DROP TRIGGER child_touches_parent; DROP EVENT in_kolkata; ALTER TABLE every_type DROP COLUMN gen_virtual`);
    assert.notDeepEqual(await definitions(connection, database), original, 'the damage shows in the definitions');
    await restoreDatabase({ config: db.config, environment: db.production }, { backupId: backup.id }, signal());
    const restored = await definitions(connection, database);
    assert.ok(restored.some((d) => d.startsWith(`PROCEDURE | as_owner | ${appUser}@% | DEFINER`)), restored.join('\n'));
    assert.ok(restored.some((d) => d.startsWith(`VIEW | app_parents | ${appUser}@% | INVOKER | CASCADED`)), restored.join('\n'));
    assert.ok(restored.some((d) => /^EVENT \| in_kolkata \| \S+ \| \+05:30 \| ONE TIME \| 2031-06-01 12:00:00/.test(d)), restored.join('\n'));
    assert.ok(restored.some((d) => d.startsWith('GENERATED | every_type | gen_virtual')), restored.join('\n'));
    assert.deepEqual(restored, original);
    assert.deepEqual(await rawRows(connection, 'every_type', 'id'), originalRows, 'every_type\'s rows, generated columns included');
  });

  it('brings back objects that work, and run as their owner', async () => {
    const [[doubled]] = await connection.query('SELECT double_it(21) AS v') as unknown as [{ v: number }[]];
    assert.equal(Number(doubled.v), 42);
    await connection.query('INSERT INTO child VALUES (13, 2, 0)');
    const [[parent]] = await connection.query('SELECT touched FROM parent WHERE id = 2') as unknown as [{ touched: number }[]];
    assert.equal(Number(parent.touched), 1, 'the trigger fired');
    await connection.query("INSERT INTO audit (what) VALUES ('by hand')");
    const [[audit]] = await connection.query('SELECT what FROM audit ORDER BY id DESC LIMIT 1') as unknown as [{ what: string }[]];
    assert.equal(audit.what, 'by hand (audited)', 'the app user\'s trigger fired');
    const [results] = await connection.query('CALL as_owner()') as unknown as [{ who: string }[][]];
    assert.equal(results[0][0].who, `${appUser}@%`, 'the procedure runs with its owner\'s rights, not root\'s');
  });
});
