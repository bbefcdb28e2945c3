// A backup of a database the application is using: an open write transaction
// makes the parallel dump give up its table lock within seconds and dump on
// one connection, instead of holding up every write behind it; a table created
// while the backup starts is in it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, beforeEach, it } from 'node:test';
import { createBackup, tableChecksums, verifyBackup } from '../../../src/core/database';
import type { ProgressEvent } from '../../../src/core/common/progress';
import type { DatabaseCredentials } from '../../../src/core/config/credentials';
import { adminConnection, dropDatabases, never, recreateDatabase, runSql, startDatabaseRig, tempFolder, type DatabaseRig , describeOnEachServer , seq } from './helpers';

const BUSY = 'dualenv_busy';

/** Resolves once a LOCK TABLES on the database waits (the dump has read its first table list by then). */
async function lockTablesWaiting(credentials: DatabaseCredentials): Promise<void> {
  for (const deadline = Date.now() + 2_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
    const [{ waiting }] = await runSql(credentials,
      `SELECT COUNT(*) AS waiting FROM information_schema.PROCESSLIST WHERE DB = '${credentials.database}' AND INFO LIKE 'LOCK TABLES%'`) as { waiting: string }[];
    if (Number(waiting) > 0) return;
  }
  throw new Error('the backup never waited for its LOCK TABLES');
}

describeOnEachServer('backup of a database in use', (kind) => {
  let db: DatabaseRig;
  let folder: string;

  before(async () => {
    db = await startDatabaseRig(kind);
    folder = tempFolder('busy');
  });

  beforeEach(async () => {
    await recreateDatabase(db.root(BUSY), BUSY);
    await runSql(db.root(BUSY), `
      CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(40)) ENGINE=InnoDB;
      INSERT INTO orders SELECT seq, CONCAT('order ', seq) FROM ${seq(2000)};
      CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(40)) ENGINE=InnoDB;
      INSERT INTO customers SELECT seq, CONCAT('customer ', seq) FROM ${seq(500)};`);
  });

  after(async () => {
    await dropDatabases(db.root(BUSY), BUSY);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('falls back to one connection instead of waiting behind an open write transaction', async () => {
    const committed = await tableChecksums(db.root(BUSY), BUSY);
    const writer = await adminConnection(db.root(BUSY));
    try {
      await writer.query('START TRANSACTION');
      await writer.query("UPDATE orders SET note = 'not committed yet' WHERE id = 1");
      const events: ProgressEvent[] = [];
      const started = Date.now();
      const backup = await createBackup({ credentials: db.root(BUSY), folder, dump: { parallel: 2 } }, { environment: 'staging' }, never(), (e) => events.push(e));
      // the server's own lock_wait_timeout is a minute or more; the dump gives up after a few seconds
      assert.ok(Date.now() - started < 20_000, `the backup took ${Date.now() - started} ms`);
      assert.ok(events.some((e) => e.step === 'backup' && /one connection instead of 2/.test(e.message ?? '')), 'the fallback is reported');
      assert.equal(backup.verified, true);
      assert.deepEqual((await verifyBackup(folder, backup.id)).problems, []);
      assert.deepEqual(backup.manifest!.tables, committed, 'the backup holds the committed data, not the open change');
      await writer.query('COMMIT');
    } finally {
      await writer.end();
    }
    const [row] = await runSql(db.root(BUSY), 'SELECT note FROM orders WHERE id = 1') as { note: string }[];
    assert.equal(row.note, 'not committed yet', 'the open transaction could commit afterwards');
  });

  it('includes a table created after it read the table list, before its snapshot', async () => {
    const writer = await adminConnection(db.root(BUSY));
    try {
      await writer.query('START TRANSACTION');
      await writer.query("UPDATE orders SET note = 'held' WHERE id = 1");
      const backup = createBackup({ credentials: db.root(BUSY), folder, dump: { parallel: 2 } }, { environment: 'staging' }, never(), () => {});
      backup.catch(() => undefined);
      // the open transaction keeps the dump's LOCK TABLES waiting: the table list is read, the snapshot not yet opened
      await lockTablesWaiting(db.root(BUSY));
      await runSql(db.root(BUSY), "CREATE TABLE late (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO late VALUES (1, 'a'), (2, 'b');");
      await writer.query('COMMIT');
      const record = await backup;
      assert.equal(record.verified, true);
      assert.deepEqual(record.manifest!.tables.map((t) => t.name), ['customers', 'late', 'orders']);
      assert.deepEqual(record.manifest!.tables, await tableChecksums(db.root(BUSY), BUSY));
    } finally {
      await writer.end();
    }
  });
});
