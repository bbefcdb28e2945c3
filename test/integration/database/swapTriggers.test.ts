// The target's triggers while a restore swaps tables in: they must be dropped
// for the rename (they cannot move between databases), so they are first
// written into the holding database. A swap that fails, even half-way through
// dropping them, puts every one back; one killed before the rename leaves them
// for the next restore, which creates them again.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, it } from 'node:test';
import { createBackup, restoreBackup, tableChecksums } from '../../../src/core/database';
import { openConnection } from '../../../src/core/database/connection';
import { progressReporter } from '../../../src/core/common/progress';
import { clearLeftovers } from '../../../src/core/database/tableSwap';
import { adminConnection, describeOnEachServer, dropDatabases, never, noProgress, recreateDatabase, runSql, startDatabaseRig, tempFolder, type DatabaseRig } from './helpers';

const SOURCE = 'dualenv_st_source';
const TARGET = 'dualenv_st_target';
const TRIGGERS = `SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '${TARGET}' ORDER BY name`;
const HELPERS = `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '${TARGET}\\_\\_%'`;

describeOnEachServer('the target\'s triggers during a swap', (kind) => {
  let db: DatabaseRig;
  let folder: string;
  let backupId: string;

  const makeTarget = async () => {
    await recreateDatabase(db.root(TARGET), TARGET);
    await runSql(db.root(TARGET), `CREATE TABLE a (id INT PRIMARY KEY, n INT DEFAULT 0); CREATE TABLE b (id INT PRIMARY KEY, n INT DEFAULT 0);
      CREATE TABLE log (what VARCHAR(20));
      INSERT INTO a (id) VALUES (1); INSERT INTO b (id) VALUES (1);
      CREATE TRIGGER a_logs AFTER UPDATE ON a FOR EACH ROW INSERT INTO log VALUES ('a');
      CREATE TRIGGER b_logs AFTER UPDATE ON b FOR EACH ROW INSERT INTO log VALUES ('b')`);
  };

  before(async () => {
    db = await startDatabaseRig(kind);
    folder = tempFolder('swap-triggers');
    await recreateDatabase(db.root(SOURCE), SOURCE);
    await runSql(db.root(SOURCE), 'CREATE TABLE a (id INT PRIMARY KEY, n INT DEFAULT 0); INSERT INTO a VALUES (7, 7)');
    backupId = (await createBackup({ credentials: db.root(SOURCE), folder }, { environment: 'staging' }, never(), noProgress)).id;
  });

  after(async () => {
    const leftovers = await runSql(db.root(TARGET), HELPERS) as { name: string }[];
    await dropDatabases(db.root(SOURCE), SOURCE, TARGET, ...leftovers.map((h) => h.name));
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('puts back every trigger when the swap gives up half-way through dropping them', async () => {
    await makeTarget();
    const before = await tableChecksums(db.root(TARGET), TARGET);
    // the application holds table b: its trigger cannot be dropped, a's already is
    const app = await adminConnection(db.root(TARGET));
    await app.query('START TRANSACTION');
    await app.query('SELECT * FROM b');
    try {
      await assert.rejects(
        restoreBackup({ credentials: db.root(TARGET), folder, lockWaitSeconds: 2 }, { backupId, safetyBackup: false }, never(), noProgress),
        (error: Error) => /left unchanged/.test(error.message) && /lock wait timeout/i.test(error.message),
      );
    } finally {
      await app.query('ROLLBACK');
      await app.end();
    }
    assert.deepEqual(await runSql(db.root(TARGET), TRIGGERS), [{ name: 'a_logs' }, { name: 'b_logs' }]);
    assert.deepEqual(await tableChecksums(db.root(TARGET), TARGET), before);
    await runSql(db.root(TARGET), 'UPDATE a SET n = n + 1; UPDATE b SET n = n + 1');
    assert.deepEqual(await runSql(db.root(TARGET), 'SELECT what FROM log ORDER BY what'), [{ what: 'a' }, { what: 'b' }], 'the triggers fire');
    assert.deepEqual(await runSql(db.root(TARGET), HELPERS), [], 'no helper database is left');
  });

  it('creates again, on the next restore, the triggers a restore killed before its rename had dropped', async () => {
    await makeTarget();
    // what a kill between the drops and the rename leaves: the triggers parked in a holding database, gone from the target
    const hold = `${TARGET}__hold_0badc0de`;
    await recreateDatabase(db.root(hold), hold);
    const [shown] = await runSql(db.root(TARGET), 'SHOW CREATE TRIGGER a_logs') as Record<string, string>[];
    await runSql(db.root(hold), 'CREATE TABLE __dual_env_parked_triggers (position INT PRIMARY KEY, name VARCHAR(64) NOT NULL, sql_mode TEXT NOT NULL, create_statement LONGTEXT NOT NULL)');
    const admin = await openConnection(db.root(TARGET), { database: null });
    try {
      await admin.query(`INSERT INTO \`${hold}\`.__dual_env_parked_triggers VALUES (0, 'a_logs', ?, ?)`, [shown.sql_mode, shown['SQL Original Statement']]);
      await runSql(db.root(TARGET), 'DROP TRIGGER a_logs');
      const messages: string[] = [];
      await clearLeftovers(admin, TARGET, progressReporter((event) => { if (event.message) messages.push(event.message); }));
      assert.deepEqual(await runSql(db.root(TARGET), TRIGGERS), [{ name: 'a_logs' }, { name: 'b_logs' }]);
      assert.ok(messages.some((m) => m.includes('Created again 1 trigger')), messages.join('\n'));
      assert.deepEqual(await runSql(db.root(TARGET), HELPERS), []);
    } finally {
      await admin.end();
    }
  });
});
