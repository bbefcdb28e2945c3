// Memory stays bounded (a table bigger than the process's heap limit, a 16 MB
// row) and interruptions leave nothing half-done: the server killed during a
// backup leaves no complete-looking backup; a restore killed midway leaves the
// target with its old data, and the next restore cleans up after it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, it } from 'node:test';
import { DatabaseError, createBackup, listBackups, restoreBackup, tableChecksums, type BackupRecord, type TableSummary } from '../../../src/core/database';
import { startDatabaseServer } from '../../rig';
import { adminConnection, dropDatabases, never, noProgress, recreateDatabase, runChild, runSql, startDatabaseRig, tempFolder, type DatabaseRig , describeOnEachServer , seq } from './helpers';

const SOURCE = 'dualenv_big_source';
const TARGET = 'dualenv_big_target';
const WIDE = 'dualenv_big_wide';
const BIG_ROWS = 400_000;

describeOnEachServer('large data and interruptions', (kind) => {
  let db: DatabaseRig;
  let folder: string;
  let bigBackup: BackupRecord;
  let targetBefore: TableSummary[];

  before(async () => {
    db = await startDatabaseRig(kind);
    folder = tempFolder('large');
    await recreateDatabase(db.root(SOURCE), SOURCE);
    // about 130 MB of SQL: twice the heap the memory-capped backup gets
    await runSql(db.root(SOURCE), `
      CREATE TABLE big (id INT PRIMARY KEY, a BIGINT, d DECIMAL(20,6), t VARCHAR(255), b VARBINARY(64), ts DATETIME(6)) ENGINE=InnoDB;
      INSERT INTO big SELECT seq, seq * 7919, seq / 7, REPEAT(LEFT(SHA2(seq, 256), 32), 6), UNHEX(REPEAT(LEFT(SHA2(seq, 256), 32), 2)), '2024-01-01' + INTERVAL seq SECOND FROM ${seq(BIG_ROWS)};`);
    await recreateDatabase(db.root(TARGET), TARGET);
    await runSql(db.root(TARGET), "CREATE TABLE big (id INT PRIMARY KEY, t VARCHAR(20)); INSERT INTO big VALUES (1, 'old'), (2, 'state');");
    targetBefore = await tableChecksums(db.root(TARGET), TARGET);
  });

  after(async () => {
    await dropDatabases(db.root(SOURCE), SOURCE, TARGET, WIDE);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('backs up a table larger than the process heap limit (--max-old-space-size=64)', async () => {
    const child = await runChild(db.root(SOURCE), { op: 'backup', folder, parallel: 1 }, { maxOldSpaceMb: 64 });
    const { lines, code } = await child.done;
    const last = lines.at(-1)!;
    assert.equal(code, 0, JSON.stringify(last));
    const backups = listBackups(folder);
    assert.equal(backups.length, 1);
    bigBackup = backups[0];
    assert.equal(bigBackup.verified, true);
    assert.equal(bigBackup.rows, BIG_ROWS);
    const sqlBytes = Number((lines.filter((l) => l.event).map((l) => (l.event as { message?: string }).message ?? '')
      .find((m) => /1\/1 tables/.test(m)) ?? '').match(/· ([\d.]+) MB ·/)?.[1] ?? 0) * 1024 * 1024;
    assert.ok(sqlBytes > 100 * 1024 * 1024, `the dump holds more than the 64 MB heap (${sqlBytes} bytes)`);
    // heap capped at 64 MB; buffers outside the heap stay bounded too
    assert.ok(Number(last.peakRss) < 250 * 1024 * 1024, `peak RSS ${Number(last.peakRss) >> 20} MB`);
    assert.deepEqual((await tableChecksums(db.root(SOURCE), SOURCE)), bigBackup.manifest!.tables);
  });

  it('leaves the target with its old data when the restore process is killed midway', async () => {
    let killedDuring: string | undefined;
    const child = await runChild(db.root(TARGET), { op: 'restore', folder, backupId: bigBackup.id }, {
      onLine: (line, kill) => {
        const event = line.event as { step: string; fraction?: number } | undefined;
        if (!killedDuring && event?.step === 'load' && (event.fraction ?? 0) > 0.3) { killedDuring = 'load'; kill(); }
      },
    });
    const { signal } = await child.done;
    assert.equal(signal, 'SIGKILL', 'the restore was killed before it finished');
    assert.equal(killedDuring, 'load');
    assert.deepEqual(await tableChecksums(db.root(TARGET), TARGET), targetBefore);
    // the next restore removes the killed one's scratch database and completes
    await restoreBackup({ credentials: db.root(TARGET), folder }, { backupId: bigBackup.id, safetyBackup: false }, never(), noProgress);
    assert.deepEqual(await tableChecksums(db.root(TARGET), TARGET), bigBackup.manifest!.tables);
    const admin = await adminConnection(db.root(TARGET), null);
    try {
      const [left] = await admin.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dualenv\\_big\\_target\\_\\_%'");
      assert.deepEqual(left, []);
    } finally {
      await admin.end();
    }
  });

  it('backs up and restores a 16 MB row', async () => {
    await recreateDatabase(db.root(WIDE), WIDE);
    await runSql(db.root(WIDE), `
      CREATE TABLE wide (id INT PRIMARY KEY, txt LONGTEXT, bin LONGBLOB);
      INSERT INTO wide VALUES (1, REPEAT('a''b\\\\c', 16 * 1024 * 1024 / 5), REPEAT(0x00FF27, 16 * 1024 * 1024 / 3)), (2, 'small', 0x01);`);
    const [expected] = await runSql(db.root(WIDE), 'SELECT SHA2(txt, 256) AS t, SHA2(bin, 256) AS b, LENGTH(txt) AS lt, LENGTH(bin) AS lb FROM wide WHERE id = 1') as Record<string, unknown>[];
    assert.ok(Number(expected.lt) >= 16 * 1024 * 1024 - 5 && Number(expected.lb) >= 16 * 1024 * 1024 - 3);
    const wideFolder = tempFolder('wide');
    try {
      const backup = await createBackup({ credentials: db.root(WIDE), folder: wideFolder }, { environment: 'staging' }, never(), noProgress);
      assert.equal(backup.rows, 2);
      await runSql(db.root(WIDE), "UPDATE wide SET txt = 'changed' WHERE id = 1");
      await restoreBackup({ credentials: db.root(WIDE), folder: wideFolder }, { backupId: backup.id, safetyBackup: false }, never(), noProgress);
      const [actual] = await runSql(db.root(WIDE), 'SELECT SHA2(txt, 256) AS t, SHA2(bin, 256) AS b, LENGTH(txt) AS lt, LENGTH(bin) AS lb FROM wide WHERE id = 1') as Record<string, unknown>[];
      assert.deepEqual(actual, expected);
    } finally {
      fs.rmSync(wideFolder, { recursive: true, force: true });
    }
  });

  it('leaves no complete-looking backup when the database server is killed midway', async () => {
    const killFolder = tempFolder('killed');
    let killed: Promise<unknown> | undefined;
    try {
      await assert.rejects(
        createBackup({ credentials: db.root(SOURCE), folder: killFolder, dump: { parallel: 1 } }, { environment: 'staging' }, never(), (event) => {
          if (!killed && event.step === 'backup' && /· [1-9][\d,]* rows/.test(event.message ?? '')) {
            killed = db.rig.docker.getContainer(db.server.container).kill();
          }
        }),
        (error: Error) => error instanceof DatabaseError && !error.message.includes(db.root(SOURCE).password),
      );
      assert.ok(killed, 'the server was killed while rows were being read');
      await killed;
      assert.deepEqual(listBackups(killFolder), []);
      assert.deepEqual(fs.readdirSync(killFolder).filter((f) => f !== '.gitignore'), [], 'not even a partial folder is left');
    } finally {
      await startDatabaseServer(kind);
      fs.rmSync(killFolder, { recursive: true, force: true });
    }
    // the server came back with the data intact
    assert.equal((await tableChecksums(db.root(SOURCE), SOURCE))[0].rows, BIG_ROWS);
  });
});
