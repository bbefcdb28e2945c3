// The application keeps writing while a restore loads: every row it was told
// was committed must end up in the database or in the safety backup. The
// safety backup is what the swap moved aside, so the writes made during the
// load are in it, with the views, routines, triggers and events of then.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, beforeEach, it } from 'node:test';
import { createBackup, restoreBackup, type BackupRecord } from '../../../src/core/database';
import type { ProgressEvent } from '../../../src/core/common/progress';
import { adminConnection, describeOnEachServer, dropDatabases, never, noProgress, recreateDatabase, runSql, seq, startDatabaseRig, tempFolder, type DatabaseRig } from './helpers';

const TARGET = 'dualenv_busy_restore';
const CHECK = 'dualenv_busy_check';

interface Writer {
  /** Notes of the rows whose INSERT the server confirmed, with when it was sent. */
  committed: { note: string; sentAt: number }[];
  failed: number;
  stop(): Promise<void>;
}

/** An application inserting one row every 50 ms on its own connection until stopped. */
async function startWriter(db: DatabaseRig): Promise<Writer> {
  const connection = await adminConnection(db.root(TARGET));
  const writer: Writer = { committed: [], failed: 0, stop: async () => undefined };
  let running = true;
  const loop = (async () => {
    for (let n = 1; running; n++) {
      const note = `write ${n}`;
      const sentAt = Date.now();
      try {
        await connection.query('INSERT INTO orders (note) VALUES (?)', [note]);
        writer.committed.push({ note, sentAt });
      } catch {
        writer.failed++;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  writer.stop = async () => {
    running = false;
    await loop;
    await connection.end();
  };
  return writer;
}

async function notesIn(db: DatabaseRig, database: string): Promise<Set<string>> {
  const rows = await runSql(db.root(database), 'SELECT note FROM orders') as { note: string }[];
  return new Set(rows.map((r) => r.note));
}

async function objectNames(db: DatabaseRig, database: string): Promise<string[]> {
  const rows = await runSql(db.root(database), `
    SELECT CONCAT('VIEW ', TABLE_NAME) AS name FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '${database}'
    UNION ALL SELECT CONCAT(ROUTINE_TYPE, ' ', ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '${database}'
    UNION ALL SELECT CONCAT('TRIGGER ', TRIGGER_NAME) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '${database}'
    UNION ALL SELECT CONCAT('EVENT ', EVENT_NAME) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '${database}'`) as { name: string }[];
  return rows.map((r) => r.name).sort();
}

describeOnEachServer('writes made during a restore', (kind) => {
  let db: DatabaseRig;
  let folder: string;
  let backup: BackupRecord;

  before(async () => {
    db = await startDatabaseRig(kind);
    folder = tempFolder('busy-restore');
  });

  beforeEach(async () => {
    await recreateDatabase(db.root(TARGET), TARGET);
    // enough rows that the load takes a while, and objects of every kind that only the state before the swap has
    await runSql(db.root(TARGET), `
      CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40) NOT NULL) ENGINE=InnoDB;
      CREATE TABLE filler (id INT PRIMARY KEY, body VARCHAR(200)) ENGINE=InnoDB;
      INSERT INTO filler SELECT seq, REPEAT(SHA2(seq, 256), 3) FROM ${seq(120000)};
      INSERT INTO orders (note) VALUES ('in the backup');`);
    backup = await createBackup({ credentials: db.root(TARGET), folder }, { environment: 'production' }, never(), noProgress);
    await runSql(db.root(TARGET), `
      CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40));
      CREATE VIEW recent_orders AS SELECT id, note FROM orders;
      CREATE PROCEDURE count_orders() SELECT COUNT(*) FROM orders;
      CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW INSERT INTO audit (note) VALUES (NEW.note);
      CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 03:00:00' DISABLE DO DELETE FROM audit;`);
  });

  after(async () => {
    await dropDatabases(db.root(TARGET), TARGET, CHECK);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('keeps every row written while it loads: in the database or in the safety backup, with the objects of then', async () => {
    const writer = await startWriter(db);
    let loadStarted = Infinity;
    let swapStarted = Infinity;
    let result;
    try {
      await new Promise((r) => setTimeout(r, 300));
      result = await restoreBackup({ credentials: db.root(TARGET), folder, environment: 'production' }, { backupId: backup.id }, never(), (event: ProgressEvent) => {
        if (event.step === 'load') loadStarted = Math.min(loadStarted, Date.now());
        if (event.step === 'swap') swapStarted = Math.min(swapStarted, Date.now());
      });
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await writer.stop();
    }
    assert.ok(result.safetyBackup, 'a safety backup was taken');
    const duringLoad = writer.committed.filter((w) => w.sentAt > loadStarted && w.sentAt < swapStarted);
    assert.ok(duringLoad.length >= 3, `the writer wrote during the load (${duringLoad.length} rows)`);

    await recreateDatabase(db.root(CHECK), CHECK);
    await restoreBackup({ credentials: db.root(CHECK), folder }, { backupId: result.safetyBackup.id, safetyBackup: false }, never(), noProgress);
    const [live, safety] = [await notesIn(db, TARGET), await notesIn(db, CHECK)];
    const lost = writer.committed.filter((w) => !live.has(w.note) && !safety.has(w.note)).map((w) => w.note);
    assert.deepEqual(lost, [], 'no committed row is lost');
    for (const w of duringLoad) assert.ok(safety.has(w.note), `${w.note}, written during the load, is in the safety backup`);
    assert.equal(live.has('in the backup'), true);

    // the safety backup is the state before the swap: its objects, its triggers' rows
    assert.deepEqual(await objectNames(db, CHECK), ['EVENT nightly', 'PROCEDURE count_orders', 'TRIGGER orders_audit', 'VIEW recent_orders']);
    const audited = await runSql(db.root(CHECK), 'SELECT COUNT(*) AS n FROM audit') as { n: number }[];
    assert.equal(Number(audited[0].n), safety.size - 1, 'the trigger wrote an audit row for every write before the swap');
    assert.deepEqual(result.safetyBackup.manifest!.objects.map((o) => `${o.type} ${o.name}`).sort(), await objectNames(db, CHECK));
    assert.deepEqual(await helperDatabases(db), [], 'no holding or scratch database is left');
  });

  it('keeps the holding database, and names it, when the safety backup cannot be written', async () => {
    const safetyFolder = tempFolder('busy-restore-safety');
    await runSql(db.root(TARGET), "INSERT INTO orders (note) VALUES ('only before the swap')");
    try {
      const failed = await restoreBackup({ credentials: db.root(TARGET), folder, safetyFolder }, { backupId: backup.id }, never(), (event: ProgressEvent) => {
        // the folder becomes a file once the swap begins: the safety backup cannot be written
        if (event.step === 'swap' && event.state === 'running') {
          fs.rmSync(safetyFolder, { recursive: true });
          fs.writeFileSync(safetyFolder, 'not a folder');
        }
      }).then(() => assert.fail('the restore succeeded'), (error: unknown) => error as Error);
      const [hold] = await helperDatabases(db);
      assert.ok(hold, 'the holding database is kept');
      assert.match(failed.message, new RegExp(`^${TARGET} holds backup ${backup.id} now, but the safety backup of what it held before failed \\(.*\\); that data is kept whole in database ${hold} on `));
      assert.equal((await notesIn(db, hold)).has('only before the swap'), true);
      assert.equal((await notesIn(db, TARGET)).has('only before the swap'), false, 'the backup was swapped in');
      await dropDatabases(db.root(TARGET), hold);
    } finally {
      fs.rmSync(safetyFolder, { recursive: true, force: true });
    }
  });
});

async function helperDatabases(db: DatabaseRig): Promise<string[]> {
  const rows = await runSql(db.root(TARGET), `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '${TARGET.replace(/_/g, '\\\\_')}\\\\_\\\\_%'`) as { name: string }[];
  return rows.map((r) => r.name);
}
