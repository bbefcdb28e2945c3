// A damaged backup is refused before anything changes: truncated dump, a
// flipped byte, a missing manifest, or a dump whose rows differ from the
// manifest. The target database is byte-for-byte what it was.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, beforeEach, it } from 'node:test';
import {
  BackupCorruptError, RestoreVerificationError, createBackup, listBackups, restoreBackup, tableChecksums, verifyBackup, type BackupRecord, type TableSummary,
} from '../../../src/core/database';
import type { ProgressEvent } from '../../../src/core/common/progress';
import { OBJECTS_SQL } from './fixtures';
import { adminConnection, dropDatabases, never, noProgress, recreateDatabase, runSql, startDatabaseRig, tempFolder, type DatabaseRig , describeOnEachServer , seq } from './helpers';

const SOURCE = 'dualenv_rf_source';
const TARGET = 'dualenv_rf_target';

describeOnEachServer('restore refuses a damaged backup and leaves the target unchanged', (kind) => {
  let db: DatabaseRig;
  let folder: string;
  let pristine: BackupRecord;
  let targetBefore: TableSummary[];

  /** A copy of the good backup under a new id, for one test to damage. */
  function copyBackup(id: string): string {
    const dir = path.join(folder, id);
    fs.cpSync(pristine.path, dir, { recursive: true });
    const manifestFile = path.join(dir, 'manifest.json');
    fs.writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(manifestFile, 'utf8')), id }));
    return dir;
  }

  /** Rewrites a copy's dump from edited SQL, with a manifest that matches the new file (as a careless tool would). */
  function rewriteDump(dir: string, edit: (sql: string) => string): void {
    const dumpFile = path.join(dir, 'dump.sql.gz');
    const sql = edit(zlib.gunzipSync(fs.readFileSync(dumpFile)).toString('utf8'));
    const gz = zlib.gzipSync(sql);
    fs.writeFileSync(dumpFile, gz);
    const manifestFile = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    manifest.dump = { ...manifest.dump, bytes: gz.length, sha256: crypto.createHash('sha256').update(gz).digest('hex') };
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
  }

  /** Edits one table's gzip member and keeps the manifest's index and sha256 consistent, so the parallel loader reads it. */
  function rewriteTablePart(dir: string, table: string, edit: (sql: string) => string): void {
    const dumpFile = path.join(dir, 'dump.sql.gz');
    const manifestFile = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    const whole = fs.readFileSync(dumpFile);
    let offset = 0;
    const members: Buffer[] = [];
    manifest.dump.parts = manifest.dump.parts.map((part: { table?: string; offset: number; bytes: number }) => {
      let member = whole.subarray(part.offset, part.offset + part.bytes);
      if (part.table === table) member = zlib.gzipSync(edit(zlib.gunzipSync(member).toString('utf8')));
      members.push(member);
      const moved = { ...part, offset, bytes: member.length };
      offset += member.length;
      return moved;
    });
    const gz = Buffer.concat(members);
    fs.writeFileSync(dumpFile, gz);
    manifest.dump = { ...manifest.dump, bytes: gz.length, sha256: crypto.createHash('sha256').update(gz).digest('hex') };
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
  }

  async function assertTargetUnchanged(): Promise<void> {
    assert.deepEqual(await tableChecksums(db.root(TARGET), TARGET), targetBefore);
    const admin = await adminConnection(db.root(TARGET), null);
    try {
      const [helpers] = await admin.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dualenv\\_rf\\_target\\_\\_%'");
      assert.deepEqual(helpers, [], 'no scratch database is left behind');
    } finally {
      await admin.end();
    }
  }

  before(async () => {
    db = await startDatabaseRig(kind);
    folder = tempFolder('refusals');
    await recreateDatabase(db.root(SOURCE), SOURCE);
    await runSql(db.root(SOURCE), OBJECTS_SQL);
    await runSql(db.root(SOURCE), `INSERT INTO audit (what) SELECT CONCAT('row ', seq) FROM ${seq(5000)}`);
    pristine = await createBackup({ credentials: db.root(SOURCE), folder }, { environment: 'staging' }, never(), noProgress);
    await recreateDatabase(db.root(TARGET), TARGET);
    await runSql(db.root(TARGET), 'CREATE TABLE keep_me (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO keep_me VALUES (1, \'old\'), (2, \'data\');');
    targetBefore = await tableChecksums(db.root(TARGET), TARGET);
    assert.equal(targetBefore[0].rows, 2);
  });

  beforeEach(() => {
    for (const b of listBackups(folder)) if (b.id !== pristine.id) fs.rmSync(b.path, { recursive: true });
  });

  after(async () => {
    await dropDatabases(db.root(SOURCE), SOURCE, TARGET);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  const restore = (backupId: string) => restoreBackup({ credentials: db.root(TARGET), folder }, { backupId }, never(), noProgress);

  it('refuses a truncated dump', async () => {
    const dir = copyBackup('20000101-000001');
    const dumpFile = path.join(dir, 'dump.sql.gz');
    fs.truncateSync(dumpFile, Math.floor(fs.statSync(dumpFile).size / 2));
    await assert.rejects(restore('20000101-000001'), (error: Error) => error instanceof BackupCorruptError && /dump\.sql\.gz has \d+ bytes/.test(error.message));
    await assertTargetUnchanged();
  });

  it('refuses a dump with one flipped byte', async () => {
    const dir = copyBackup('20000101-000002');
    const dumpFile = path.join(dir, 'dump.sql.gz');
    const bytes = fs.readFileSync(dumpFile);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    fs.writeFileSync(dumpFile, bytes);
    await assert.rejects(restore('20000101-000002'), (error: Error) => error instanceof BackupCorruptError && /sha256/.test(error.message));
    assert.equal((await verifyBackup(folder, '20000101-000002')).ok, false);
    await assertTargetUnchanged();
  });

  it('refuses a backup without its manifest', async () => {
    const dir = copyBackup('20000101-000003');
    fs.rmSync(path.join(dir, 'manifest.json'));
    await assert.rejects(restore('20000101-000003'), (error: Error) => error instanceof BackupCorruptError && /manifest\.json is missing/.test(error.message));
    const listed = listBackups(folder).find((b) => b.id === '20000101-000003');
    assert.equal(listed?.complete, false);
    await assertTargetUnchanged();
  });

  it('refuses a dump cut in mid-statement even when its sha256 was recomputed', async () => {
    const dir = copyBackup('20000101-000004');
    rewriteDump(dir, (sql) => sql.slice(0, sql.indexOf("'row 2500'")));
    await assert.rejects(restore('20000101-000004'), (error: Error) => error instanceof BackupCorruptError && /truncated|end marker/.test(error.message));
    await assertTargetUnchanged();
  });

  it('refuses a dump cut between statements, before its end marker, even when its sha256 was recomputed', async () => {
    const dir = copyBackup('20000101-000007');
    rewriteDump(dir, (sql) => sql.slice(0, sql.indexOf('SET SQL_MODE = @OLD_SQL_MODE')));
    await assert.rejects(restore('20000101-000007'), (error: Error) => error instanceof BackupCorruptError && /end marker/.test(error.message));
    await assertTargetUnchanged();
  });

  it('refuses, after loading it aside, a dump whose rows differ from the manifest', async () => {
    const dir = copyBackup('20000101-000005');
    rewriteDump(dir, (sql) => sql.replace("'row 4321'", "'row 4322'"));
    assert.equal((await verifyBackup(folder, '20000101-000005')).ok, true, 'the files themselves are consistent');
    await assert.rejects(restore('20000101-000005'), (error: Error) => error instanceof RestoreVerificationError && /audit holds different values/.test(error.message));
    await assertTargetUnchanged();
  });

  it('refuses a changed row also when tables load in parallel from their own gzip members', async () => {
    const dir = copyBackup('20000101-000006');
    rewriteTablePart(dir, 'child', (sql) => sql.replace('(12,2,-3.1250)', '(12,2,-3.1251)'));
    assert.equal((await verifyBackup(folder, '20000101-000006')).ok, true, 'the files themselves are consistent');
    await assert.rejects(restore('20000101-000006'), (error: Error) => error instanceof RestoreVerificationError && /child holds different values/.test(error.message));
    await assertTargetUnchanged();
  });

  it('refuses while another restore holds the target, changing nothing', async () => {
    const other = await adminConnection(db.root(TARGET), null);
    try {
      const [[{ got }]] = await other.query("SELECT GET_LOCK('dual-env-restore:dualenv_rf_target', 0) AS got") as unknown as [[{ got: number }]];
      assert.equal(Number(got), 1);
      await assert.rejects(restore(pristine.id), (error: Error) => /^Another restore of dualenv_rf_target on .* is running \(its lock stayed taken for \d+ s\); wait for it to finish\.$/.test(error.message));
      await assertTargetUnchanged();
    } finally {
      await other.end();
    }
    // the next test restores the same backup, the lock released
  });

  it('still restores the good backup afterwards', async () => {
    const result = await restore(pristine.id);
    assert.deepEqual(await tableChecksums(db.root(TARGET), TARGET), pristine.manifest!.tables);
    assert.ok(result.safetyBackup, 'a safety backup of the old state was taken');
    assert.deepEqual(result.safetyBackup.manifest!.tables, targetBefore);
  });

  it('keeps the tables an interrupted swap moved out, and clears only empty or scratch leftovers', async () => {
    const [kept, empty, scratch] = [`${TARGET}__hold_0ld7ab1e`, `${TARGET}__hold_e0e0e0e0`, `${TARGET}__restore_5c5c5c5c`];
    await runSql(db.root(TARGET), `CREATE DATABASE ${kept}; CREATE TABLE ${kept}.keep_me (id INT PRIMARY KEY); INSERT INTO ${kept}.keep_me VALUES (7);`
      + ` CREATE DATABASE ${empty}; CREATE DATABASE ${scratch}; CREATE TABLE ${scratch}.half (id INT);`);
    const events: ProgressEvent[] = [];
    try {
      await restoreBackup({ credentials: db.root(TARGET), folder }, { backupId: pristine.id, safetyBackup: false }, never(), (e) => events.push(e));
      const admin = await adminConnection(db.root(TARGET), null);
      try {
        const [helpers] = await admin.query("SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dualenv\\_rf\\_target\\_\\_%'");
        assert.deepEqual(helpers, [{ name: kept }]);
        const [rows] = await admin.query(`SELECT id FROM ${kept}.keep_me`);
        assert.deepEqual(rows, [{ id: 7 }]);
      } finally {
        await admin.end();
      }
      assert.ok(events.some((e) => e.step === 'leftovers' && e.message?.includes(`Kept database ${kept}`)), 'the restore says what it kept');
    } finally {
      await runSql(db.root(TARGET), `DROP DATABASE IF EXISTS ${kept}; DROP DATABASE IF EXISTS ${empty}; DROP DATABASE IF EXISTS ${scratch}`);
    }
  });
});
