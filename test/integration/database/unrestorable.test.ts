// Values a server holds that a naive dump verifies but cannot load back: dates
// written under ALLOW_INVALID_DATES, rows larger than the server's packet limit,
// MariaDB's Oracle-mode packages and system-versioned tables. Each is either restored exactly or refused at
// backup time, naming table and row; never a backup found broken at rollback.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { createBackup, restoreBackup, tableChecksums } from '../../../src/core/database';
import { openConnection } from '../../../src/core/database/connection';
import { describeOnEachServer, dropDatabases, loadWithStockClient, never, noProgress, rawRows, recreateDatabase, runSql, startDatabaseRig, tempFolder, type DatabaseRig } from './helpers';

const SOURCE = 'dualenv_ur_source';
const RESTORED = 'dualenv_ur_restored';
const STOCK = 'dualenv_ur_stock';

describeOnEachServer('values that must restore or be refused at backup time', (kind) => {
  let db: DatabaseRig;
  let folder: string;

  before(async () => {
    db = await startDatabaseRig(kind);
    folder = tempFolder('unrestorable');
  });

  after(async () => {
    await dropDatabases(db.root(SOURCE), SOURCE, RESTORED, STOCK);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('restores dates written under ALLOW_INVALID_DATES exactly, not as zeros', async () => {
    await recreateDatabase(db.root(SOURCE), SOURCE);
    await runSql(db.root(SOURCE), `SET SESSION sql_mode = 'ALLOW_INVALID_DATES';
      CREATE TABLE bookings (id INT PRIMARY KEY, day DATE, at DATETIME(3));
      INSERT INTO bookings VALUES (1, '2020-02-30', '2021-04-31 10:00:00.125'), (2, '2024-02-29', '2023-02-29 00:00:00.000'), (3, '0000-00-00', NULL)`);
    const backup = await createBackup({ credentials: db.root(SOURCE), folder }, { environment: 'staging' }, never(), noProgress);
    await restoreBackup({ credentials: db.root(RESTORED), folder }, { backupId: backup.id, safetyBackup: false }, never(), noProgress);
    const restored = await rawRows(db.root(RESTORED), 'bookings', 'id');
    assert.deepEqual(restored, await rawRows(db.root(SOURCE), 'bookings', 'id'));
    assert.equal(restored[0][1]?.toString(), '2020-02-30');
  });

  it('refuses, at backup time, a row larger than the server takes in one statement', async () => {
    const root = await openConnection(db.root(SOURCE));
    const [[{ packet }]] = await root.query('SELECT @@GLOBAL.max_allowed_packet AS packet') as unknown as [{ packet: string }[]];
    try {
      await recreateDatabase(db.root(SOURCE), SOURCE);
      await runSql(db.root(SOURCE), `CREATE TABLE blobs (id INT PRIMARY KEY, data LONGBLOB); INSERT INTO blobs VALUES (1, REPEAT('a', 100)), (2, REPEAT(0xFF, 700000))`);
      // 700 kB of binary is 1.4 MB of hex: over a 1 MB limit, though the value itself fits
      await root.query('SET GLOBAL max_allowed_packet = 1048576');
      await assert.rejects(
        createBackup({ credentials: db.root(SOURCE), folder }, { environment: 'staging' }, never(), noProgress),
        (error: Error) => {
          assert.match(error.message, /^Backup of dualenv_ur_source on root@127\.0\.0\.1:\d+ failed: table blobs: the row with id = 2 takes 1400006 bytes of SQL .*max_allowed_packet of 1048576 bytes.*raise max_allowed_packet/);
          return true;
        },
      );
    } finally {
      await root.query(`SET GLOBAL max_allowed_packet = ${Number(packet)}`);
      await root.end();
    }
  });

  if (kind === 'mariadb') {
    it('backs up system-versioned tables with their whole history, which our restore and the stock client bring back', async () => {
      await recreateDatabase(db.root(SOURCE), SOURCE);
      await runSql(db.root(SOURCE), `CREATE TABLE prices (id INT PRIMARY KEY, amount DECIMAL(8,2)) WITH SYSTEM VERSIONING;
        CREATE TABLE stock (id INT PRIMARY KEY, qty INT,
          valid_from TIMESTAMP(6) GENERATED ALWAYS AS ROW START INVISIBLE, valid_to TIMESTAMP(6) GENERATED ALWAYS AS ROW END INVISIBLE,
          PERIOD FOR SYSTEM_TIME(valid_from, valid_to)) WITH SYSTEM VERSIONING;
        INSERT INTO prices VALUES (1, 9.99), (2, 5.00); UPDATE prices SET amount = 10.49 WHERE id = 1; DELETE FROM prices WHERE id = 2;
        INSERT INTO stock (id, qty) VALUES (1, 5); UPDATE stock SET qty = 4; UPDATE stock SET qty = 3`);
      const history = async (database: string) => [
        ...await runSql(db.root(database), 'SELECT id, amount, ROW_START AS s, ROW_END AS e FROM prices FOR SYSTEM_TIME ALL ORDER BY id, e') as object[],
        ...await runSql(db.root(database), 'SELECT id, qty, valid_from AS s, valid_to AS e FROM stock FOR SYSTEM_TIME ALL ORDER BY id, e') as object[],
      ];
      const original = await history(SOURCE);
      assert.equal(original.length, 6, 'two versions of price 1, the deleted price 2, three versions of stock 1');
      const backup = await createBackup({ credentials: db.root(SOURCE), folder }, { environment: 'staging' }, never(), noProgress);
      assert.deepEqual(backup.manifest!.tables.map((t) => [t.name, t.rows]), [['prices', 3], ['stock', 3]]);
      await restoreBackup({ credentials: db.root(RESTORED), folder }, { backupId: backup.id, safetyBackup: false }, never(), noProgress);
      assert.deepEqual(await history(RESTORED), original);
      await recreateDatabase(db.root(STOCK), STOCK);
      await loadWithStockClient(db, db.root(STOCK), path.join(backup.path, 'dump.sql.gz'));
      assert.deepEqual(await history(STOCK), original);
    });

    it('refuses, naming it, a table whose history is kept by transaction id', async () => {
      await recreateDatabase(db.root(SOURCE), SOURCE);
      await runSql(db.root(SOURCE), `CREATE TABLE ledger (id INT PRIMARY KEY, v INT,
        trx_from BIGINT UNSIGNED GENERATED ALWAYS AS ROW START, trx_to BIGINT UNSIGNED GENERATED ALWAYS AS ROW END,
        PERIOD FOR SYSTEM_TIME(trx_from, trx_to)) ENGINE=InnoDB WITH SYSTEM VERSIONING`);
      await assert.rejects(createBackup({ credentials: db.root(SOURCE), folder }, { environment: 'staging' }, never(), noProgress),
        /failed: table ledger keeps its history by transaction id \(trx_from is bigint\), which no restore can write back/);
    });

    it('backs up and restores Oracle-mode packages and their bodies, which work afterwards', async () => {
      await recreateDatabase(db.root(SOURCE), SOURCE);
      await runSql(db.root(SOURCE), `SET SESSION sql_mode = 'ORACLE';
        CREATE PACKAGE pricing AS FUNCTION with_tax(amount INT) RETURN INT; END;
        CREATE PACKAGE BODY pricing AS FUNCTION with_tax(amount INT) RETURN INT AS BEGIN RETURN amount * 2; END; END;
        CREATE TABLE t (id INT PRIMARY KEY)`);
      const backup = await createBackup({ credentials: db.root(SOURCE), folder }, { environment: 'staging' }, never(), noProgress);
      assert.deepEqual(backup.manifest!.objects.map((o) => `${o.type} ${o.name}`), ['PACKAGE pricing', 'PACKAGE BODY pricing']);
      await restoreBackup({ credentials: db.root(RESTORED), folder }, { backupId: backup.id, safetyBackup: false }, never(), noProgress);
      assert.deepEqual(await tableChecksums(db.root(RESTORED), RESTORED), backup.manifest!.tables);
      assert.deepEqual(await runSql(db.root(RESTORED), `SELECT ROUTINE_TYPE AS type FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '${RESTORED}' ORDER BY 1`),
        [{ type: 'PACKAGE' }, { type: 'PACKAGE BODY' }]);
      const [row] = (await runSql(db.root(RESTORED), "SET SESSION sql_mode = 'ORACLE'; SELECT pricing.with_tax(21) AS v FROM DUAL") as unknown[][])[1] as { v: number }[];
      assert.equal(Number(row.v), 42);
    });
  }
});
