// A cancel stops a backup in the middle of a table, and a restore while the
// restored rows are being checked, leaving the target as it was; once a
// restore's swap has begun it no longer applies, and a failure after the
// tables moved says where they are instead of claiming the target was left
// unchanged.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { isCancelled } from '../../../src/core/common/errors';
import { DatabaseError, createBackup, restoreBackup, tableChecksums, type BackupRecord, type TableSummary } from '../../../src/core/database';
import type { ProgressEvent } from '../../../src/core/common/progress';
import { adminConnection, describeOnEachServer, dropDatabases, never, recreateDatabase, runSql, seq, startDatabaseRig, tempFolder, type DatabaseRig } from './helpers';

const SOURCE = 'dualenv_rc_source';
const TARGET = 'dualenv_rc_target';
const ROWS = 200_000;

describeOnEachServer('cancelling a backup or a restore', (kind) => {
  let db: DatabaseRig;
  let folder: string;
  let backup: BackupRecord;
  let targetBefore: TableSummary[];

  /** Drops the restore's scratch and holding databases of the target. */
  async function dropHelpers(): Promise<string[]> {
    const admin = await adminConnection(db.root(TARGET), null);
    try {
      const [rows] = await admin.query("SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dualenv\\_rc\\_target\\_\\_%'");
      const names = (rows as { name: string }[]).map((r) => r.name);
      for (const name of names) await admin.query(`DROP DATABASE \`${name}\``);
      return names;
    } finally {
      await admin.end();
    }
  }

  before(async () => {
    db = await startDatabaseRig(kind);
    folder = tempFolder('restore-cancel');
    await recreateDatabase(db.root(TARGET), TARGET);
    await runSql(db.root(TARGET), "CREATE TABLE keep_me (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO keep_me VALUES (1, 'old'), (2, 'data'); CREATE TABLE only_here (id INT PRIMARY KEY);");
    targetBefore = await tableChecksums(db.root(TARGET), TARGET);
    await recreateDatabase(db.root(SOURCE), SOURCE);
    // the view reads a table of the target: it loads into the scratch database, but not after the swap moved that table out
    await runSql(db.root(SOURCE), `
      CREATE TABLE items (id INT PRIMARY KEY, note VARCHAR(60));
      INSERT INTO items SELECT seq, CONCAT('item ', seq) FROM ${seq(ROWS)};
      CREATE VIEW from_target AS SELECT id FROM ${TARGET}.only_here;`);
    backup = await createBackup({ credentials: db.root(SOURCE), folder }, { environment: 'staging' }, never(), () => {});
  });

  after(async () => {
    await dropHelpers();
    await dropDatabases(db.root(SOURCE), SOURCE, TARGET);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('stops a backup in the middle of a table', async () => {
    const cancelFolder = tempFolder('backup-cancel');
    const controller = new AbortController();
    const events: ProgressEvent[] = [];
    try {
      await assert.rejects(
        createBackup({ credentials: db.root(SOURCE), folder: cancelFolder, dump: { parallel: 1 } }, { environment: 'staging' }, controller.signal, (event) => {
          events.push(event);
          if (event.step === 'backup' && /· [1-9][\d,]* rows/.test(event.message ?? '')) controller.abort();
        }),
        (error: Error) => isCancelled(error) && /no backup was kept/.test(error.message),
      );
      assert.ok(controller.signal.aborted, 'the cancel came while rows were being read');
      assert.ok(!events.some((e) => /^1\/1 tables/.test(e.message ?? '')), 'the table was not read to its end');
      assert.deepEqual(fs.readdirSync(cancelFolder).filter((f) => f !== '.gitignore'), [], 'not even a partial folder is left (the folder\'s .gitignore stays)');
    } finally {
      fs.rmSync(cancelFolder, { recursive: true, force: true });
    }
  });

  it('stops checking the rows of a dump without a parts index as soon as it is cancelled', async () => {
    // a manifest without the parts index: the dump loads front to back, then a separate step checks every row
    const legacyId = '20000101-000001';
    const dir = path.join(folder, legacyId);
    fs.cpSync(backup.path, dir, { recursive: true });
    const manifestFile = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    delete manifest.dump.parts;
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, id: legacyId }));

    const controller = new AbortController();
    const events: ProgressEvent[] = [];
    try {
      await assert.rejects(
        restoreBackup({ credentials: db.root(TARGET), folder }, { backupId: legacyId, safetyBackup: false }, controller.signal, (event) => {
          events.push(event);
          if (event.step === 'check' && /rows checked/.test(event.message ?? '')) controller.abort();
        }),
        (error: Error) => isCancelled(error) && error.message.includes(`${TARGET} was left unchanged`),
      );
      const checks = events.filter((e) => e.step === 'check');
      assert.ok(checks.some((e) => /rows checked/.test(e.message ?? '')), 'the cancel came while rows were being checked');
      assert.ok(checks.every((e) => e.state === 'running' && (e.fraction ?? 0) < 1), `the check stopped before its end: ${JSON.stringify(checks.at(-1))}`);
      assert.deepEqual(await tableChecksums(db.root(TARGET), TARGET), targetBefore);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await dropHelpers();
    }
  });

  it('reports where the tables are, not a cancel, when the swap it no longer stops fails after moving them', async () => {
    const controller = new AbortController();
    let failure: Error | undefined;
    try {
      await restoreBackup({ credentials: db.root(TARGET), folder }, { backupId: backup.id, safetyBackup: false }, controller.signal, (event) => {
        if (event.step === 'swap' && event.state === 'running') controller.abort();
      });
    } catch (error) {
      failure = error as Error;
    }
    assert.ok(failure, 'recreating the view fails once only_here has moved out of the target');
    assert.ok(controller.signal.aborted);
    assert.ok(failure instanceof DatabaseError && !isCancelled(failure), `${failure.name}: ${failure.message}`);
    assert.match(failure.message, new RegExp(`tables are in ${TARGET}, but .*kept in database ${TARGET}__hold_`));
    assert.doesNotMatch(failure.message, /left unchanged|cancelled/);
    // the target holds the backup's tables; the old ones wait in the holding database the message names
    assert.deepEqual(await tableChecksums(db.root(TARGET), TARGET), backup.manifest!.tables);
    const hold = new RegExp(`${TARGET}__hold_[0-9a-f]+`).exec(failure.message)![0];
    assert.deepEqual(await tableChecksums(db.root(hold), hold), targetBefore);
    await dropHelpers();
  });
});
