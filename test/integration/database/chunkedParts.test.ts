// A table cut into many gzip members loads on several connections at once and
// comes back byte for byte; the stock client reads the same multi-member file;
// a backup checksummed the v1 way (before key-order checksums) still restores.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { LEGACY_CHECKSUM_ALGORITHM } from '../../../src/core/database/contentChecksum';
import { createBackup, restoreBackup, tableChecksums, type BackupRecord } from '../../../src/core/database';
import { dropDatabases, loadWithStockClient, never, noProgress, rawRows, recreateDatabase, runSql, startDatabaseRig, tempFolder, type DatabaseRig , describeOnEachServer , seq } from './helpers';

const SOURCE = 'dualenv_ck_source';
const RESTORED = 'dualenv_ck_restored';
const STOCK = 'dualenv_ck_stock';
const LEGACY = 'dualenv_ck_legacy';

describeOnEachServer('tables in many gzip members', (kind) => {
  let db: DatabaseRig;
  let folder: string;
  let backup: BackupRecord;

  before(async () => {
    db = await startDatabaseRig(kind);
    folder = tempFolder('chunked');
    await recreateDatabase(db.root(SOURCE), SOURCE);
    await runSql(db.root(SOURCE), `
      CREATE TABLE wide (id INT PRIMARY KEY, note VARCHAR(200), data BLOB, code INT NOT NULL,
        KEY (note), UNIQUE KEY by_code (code), KEY mixed (code, note(10)) COMMENT 'built after the rows', FULLTEXT KEY words (note));
      INSERT INTO wide SELECT seq, CONCAT('note ', seq, ' it''s; here\\n'), UNHEX(SHA2(seq, 256)), 3000 - seq FROM ${seq(3000)};
      CREATE TABLE loose (a INT, b VARCHAR(20));
      INSERT INTO loose SELECT seq % 7, CONCAT('dup ', seq % 7) FROM ${seq(4000)};`);
    // small statements and members: thousands of rows make dozens of members per table
    backup = await createBackup({ credentials: db.root(SOURCE), folder, dump: { chunkBytes: 16 * 1024, maxStatementBytes: 4096 } }, { environment: 'staging' }, never(), noProgress);
  });

  after(async () => {
    await dropDatabases(db.root(SOURCE), SOURCE, RESTORED, STOCK, LEGACY);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('cuts each table into members that tile the dump', () => {
    const parts = backup.manifest!.dump.parts!;
    assert.ok(parts.filter((p) => p.table === 'wide').length > 10, 'wide is in many members');
    assert.ok(parts.filter((p) => p.table === 'loose').length > 1, 'loose is in several members');
    let next = 0;
    for (const part of parts) {
      assert.equal(part.offset, next);
      next += part.bytes;
    }
    assert.equal(next, backup.manifest!.dump.bytes);
  });

  it('loads the members on several connections and restores every byte', async () => {
    await restoreBackup({ credentials: db.root(RESTORED), folder, parallel: 4 }, { backupId: backup.id }, never(), noProgress);
    assert.deepEqual(await rawRows(db.root(RESTORED), 'wide', 'id'), await rawRows(db.root(SOURCE), 'wide', 'id'));
    assert.deepEqual(await rawRows(db.root(RESTORED), 'loose', 'a, b'), await rawRows(db.root(SOURCE), 'loose', 'a, b'));
    assert.deepEqual(await tableChecksums(db.root(RESTORED), RESTORED), backup.manifest!.tables);
    // indexes built after the rows end up as they were defined; MySQL shows a column created with an
    // explicit COLLATE (as every CREATE TABLE it prints has) with its CHARACTER SET too, as after mysqldump
    const shown = async (database: string, table: string) => {
      const [row] = await runSql(db.root(database), `SHOW CREATE TABLE ${table}`) as Record<string, string>[];
      return row['Create Table'].replace(/ CHARACTER SET (\w+) COLLATE (\1_)/g, ' COLLATE $2');
    };
    for (const table of ['wide', 'loose']) assert.equal(await shown(RESTORED, table), await shown(SOURCE, table));
  });

  it('is one gzip stream to the stock client', async () => {
    await recreateDatabase(db.root(STOCK), STOCK);
    await loadWithStockClient(db, db.root(STOCK), path.join(backup.path, 'dump.sql.gz'));
    assert.deepEqual(await tableChecksums(db.root(STOCK), STOCK), backup.manifest!.tables);
  });

  it('restores a backup whose manifest was checksummed the v1 way, checking it the v1 way', async () => {
    const legacyTables = await tableChecksums(db.root(SOURCE), SOURCE, { checksumAlgorithm: LEGACY_CHECKSUM_ALGORITHM });
    assert.ok(legacyTables.every((t) => /^[0-9a-f]{16}$/.test(t.checksum)), 'v1 checksums are 64-bit sums');
    const manifestFile = path.join(backup.path, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, checksumAlgorithm: LEGACY_CHECKSUM_ALGORITHM, tables: legacyTables }));
    await restoreBackup({ credentials: db.root(LEGACY), folder }, { backupId: backup.id, safetyBackup: false }, never(), noProgress);
    assert.deepEqual(await rawRows(db.root(LEGACY), 'wide', 'id'), await rawRows(db.root(SOURCE), 'wide', 'id'));
    // and a v1 manifest whose sums are wrong is still refused
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, checksumAlgorithm: LEGACY_CHECKSUM_ALGORITHM, tables: legacyTables.map((t) => ({ ...t, checksum: '0000000000000000' })) }));
    await assert.rejects(restoreBackup({ credentials: db.root(LEGACY), folder }, { backupId: backup.id, safetyBackup: false }, never(), noProgress), /holds different values/);
  });
});
