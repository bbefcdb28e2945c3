// A backup of a database the application is using: an open write transaction
// makes the parallel dump give up its table lock within seconds and dump on
// one connection, instead of holding up every write behind it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createBackup, tableChecksums, verifyBackup } from '../../../src/core/database';
import type { ProgressEvent } from '../../../src/core/operations/progress';
import { adminConnection, dropDatabases, never, recreateDatabase, runSql, startDatabaseRig, tempFolder, type DatabaseRig } from './helpers';

const BUSY = 'dualenv_busy';

describe('backup of a database in use', () => {
  let db: DatabaseRig;
  let folder: string;

  before(async () => {
    db = await startDatabaseRig();
    folder = tempFolder('busy');
  });

  beforeEach(async () => {
    await recreateDatabase(db.root(BUSY), BUSY);
    await runSql(db.root(BUSY), `
      CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(40)) ENGINE=InnoDB;
      INSERT INTO orders SELECT seq, CONCAT('order ', seq) FROM seq_1_to_2000;
      CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(40)) ENGINE=InnoDB;
      INSERT INTO customers SELECT seq, CONCAT('customer ', seq) FROM seq_1_to_500;`);
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
});
