import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { firstFileOfTar, tarOfOneFile } from '../../../src/core/docker/singleFileTar';

describe('one file through the Docker archive API\'s tar', () => {
  it('writes a tar that GNU tar reads back byte for byte, with its mode', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-tar-'));
    try {
      const content = Buffer.from('{"id":"a"}\n'.repeat(100) + 'ünïcode\n');
      fs.writeFileSync(path.join(dir, 'one.tar'), tarOfOneFile('history.jsonl', content, new Date('2026-12-01T00:00:00Z')));
      const listed = spawnSync('tar', ['-tvf', 'one.tar'], { cwd: dir, encoding: 'utf8' });
      assert.equal(listed.status, 0, listed.stderr);
      assert.match(listed.stdout, /^-rw------- .* history\.jsonl\n$/);
      const extracted = spawnSync('tar', ['-xf', 'one.tar'], { cwd: dir, encoding: 'utf8' });
      assert.equal(extracted.status, 0, extracted.stderr);
      assert.deepEqual(fs.readFileSync(path.join(dir, 'history.jsonl')), content);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the first regular file of a tar GNU tar wrote, past a PAX header', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-tar-'));
    try {
      const content = 'line one\nline two\n'.repeat(50);
      fs.writeFileSync(path.join(dir, 'history.jsonl'), content);
      const made = spawnSync('tar', ['--format=pax', '-cf', 'pax.tar', 'history.jsonl'], { cwd: dir, encoding: 'utf8' });
      assert.equal(made.status, 0, made.stderr);
      assert.equal(firstFileOfTar(fs.readFileSync(path.join(dir, 'pax.tar')))?.toString('utf8'), content);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('round-trips an empty file, says when a tar holds no file, and refuses a tar cut inside its file', () => {
    assert.equal(firstFileOfTar(tarOfOneFile('empty', Buffer.alloc(0), new Date()))?.length, 0);
    assert.equal(firstFileOfTar(Buffer.alloc(1024)), undefined);
    const cut = tarOfOneFile('f', Buffer.alloc(2000, 65), new Date()).subarray(0, 1000);
    assert.throws(() => firstFileOfTar(cut), /ends inside its file/);
    assert.throws(() => tarOfOneFile('a/b', Buffer.alloc(1), new Date()), /short plain file name/);
  });
});
