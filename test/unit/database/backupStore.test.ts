import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { applyRetention, deleteBackup, listBackups, verifyBackup } from '../../../src/core/database/backupStore';
import { BackupNotFoundError } from '../../../src/core/database/errors';
import { backupIdFor, compareNewestFirst, type BackupManifest } from '../../../src/core/database/manifest';

let folder: string;

/** A backup folder as the writer leaves it, with a dump that ends like a real one. */
function writeBackup(id: string, options: { verified?: boolean; body?: string } = {}): string {
  const dir = path.join(folder, id);
  fs.mkdirSync(dir, { recursive: true });
  const dump = zlib.gzipSync(options.body ?? 'SET NAMES utf8mb4;\n-- Dual Env dump complete\n');
  fs.writeFileSync(path.join(dir, 'dump.sql.gz'), dump);
  const manifest: BackupManifest = {
    formatVersion: 1, id, createdAt: new Date().toISOString(), environment: 'production', database: 'shop', serverVersion: '10.11',
    tables: [{ name: 't', rows: 3, checksum: '00' }], objects: [], checksumAlgorithm: 'x',
    dump: { file: 'dump.sql.gz', sha256: crypto.createHash('sha256').update(dump).digest('hex'), bytes: dump.length },
    durationMs: 1, verifiedAt: options.verified === false ? '' : new Date().toISOString(),
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('backup store', () => {
  beforeEach(() => { folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-store-')); });
  afterEach(() => { fs.rmSync(folder, { recursive: true, force: true }); });

  it('names backups by UTC time and sorts them newest first', () => {
    assert.equal(backupIdFor(new Date('2025-01-31T23:59:58.500Z')), '20250131-235958');
    const ids = ['20250101-000000', '20250102-000000-2', '20250102-000000', '20250102-000000-10'];
    assert.deepEqual(ids.map((id) => ({ id })).sort(compareNewestFirst).map((b) => b.id),
      ['20250102-000000-10', '20250102-000000-2', '20250102-000000', '20250101-000000']);
  });

  it('lists complete backups and says what is wrong with the others; ignores partial folders', () => {
    writeBackup('20250101-000000');
    fs.rmSync(path.join(writeBackup('20250102-000000'), 'manifest.json'));
    fs.appendFileSync(path.join(writeBackup('20250103-000000'), 'dump.sql.gz'), 'x');
    fs.mkdirSync(path.join(folder, '.partial-20250104-000000-abc'));
    const listed = listBackups(folder);
    assert.deepEqual(listed.map((b) => [b.id, b.complete, b.verified]), [
      ['20250103-000000', false, false], ['20250102-000000', false, false], ['20250101-000000', true, true],
    ]);
    assert.match(listed[0].problem ?? '', /has \d+ bytes, the manifest says/);
    assert.equal(listed[1].problem, 'manifest.json is missing');
    assert.equal(listed[2].rows, 3);
    assert.deepEqual(listBackups(path.join(folder, 'nothing-here')), []);
  });

  it('verifies sha256, the gzip stream and the end marker', async () => {
    writeBackup('20250101-000000');
    writeBackup('20250102-000000', { body: 'INSERT INTO t VALUES (1),' });
    assert.deepEqual((await verifyBackup(folder, '20250101-000000')).problems, []);
    const cut = await verifyBackup(folder, '20250102-000000');
    assert.equal(cut.ok, false);
    assert.match(cut.problems[0], /end marker/);
    await assert.rejects(verifyBackup(folder, '20250109-000000'), BackupNotFoundError);
    await assert.rejects(verifyBackup(folder, '../etc'), /not a backup id/);
  });

  it('keeps the newest N and never the newest verified one', async () => {
    writeBackup('20250101-000000');
    writeBackup('20250102-000000');
    writeBackup('20250103-000000', { verified: false });
    writeBackup('20250104-000000', { verified: false });
    const { deleted, warnings } = await applyRetention(folder, 2);
    assert.deepEqual(deleted, ['20250101-000000']);
    assert.deepEqual(warnings, []);
    assert.deepEqual(listBackups(folder).map((b) => b.id), ['20250104-000000', '20250103-000000', '20250102-000000']);
    await assert.rejects(applyRetention(folder, 0), /at least 1/);
  });

  it('clears a partial folder only once nothing inside it has changed for an hour', async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    const age = (target: string) => fs.utimesSync(target, twoHoursAgo, twoHoursAgo);
    // a backup still being written: its folders are old, the part it writes now is not
    const writing = path.join(folder, '.partial-20250105-000000-aaa');
    fs.mkdirSync(path.join(writing, 'parts'), { recursive: true });
    fs.writeFileSync(path.join(writing, 'parts', '000001-000000.sql.gz'), 'rows');
    age(path.join(writing, 'parts'));
    age(writing);
    const abandoned = path.join(folder, '.partial-20250104-000000-bbb');
    fs.mkdirSync(path.join(abandoned, 'parts'), { recursive: true });
    fs.writeFileSync(path.join(abandoned, 'parts', '000001-000000.sql.gz'), 'rows');
    for (const target of [path.join(abandoned, 'parts', '000001-000000.sql.gz'), path.join(abandoned, 'parts'), abandoned]) age(target);
    const fresh = path.join(folder, '.partial-20250106-000000-ccc');
    fs.mkdirSync(fresh);

    const { warnings } = await applyRetention(folder, 1);
    assert.deepEqual(warnings, []);
    assert.deepEqual(fs.readdirSync(folder).sort(), ['.partial-20250105-000000-aaa', '.partial-20250106-000000-ccc']);
  });

  it('reports what it cannot clear instead of failing', { skip: process.platform === 'win32' && 'symlinks need extra rights on Windows' }, async () => {
    writeBackup('20250101-000000');
    writeBackup('20250102-000000');
    // a partial folder that cannot be looked into (a link to itself: ELOOP)
    const broken = path.join(folder, '.partial-20250103-000000-loop');
    fs.symlinkSync(broken, broken);
    const { deleted, warnings } = await applyRetention(folder, 1);
    assert.deepEqual(deleted, ['20250101-000000'], 'the rest of the retention still runs');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^Could not clear .*\.partial-20250103-000000-loop, left by an interrupted backup \(.*ELOOP.*\); delete it by hand\.$/);
    assert.deepEqual(listBackups(folder).map((b) => b.id), ['20250102-000000']);
  });

  it('deletes one backup by id', async () => {
    writeBackup('20250101-000000');
    await deleteBackup(folder, '20250101-000000');
    assert.deepEqual(listBackups(folder), []);
  });
});
