import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fsyncDirectory, isUnsupportedDirectorySync } from '../../../src/core/database/directorySync';

const failure = (code: string) => Object.assign(new Error(code), { code });

describe('directory fsync', () => {
  it('ignores only the errors Windows gives for a directory it cannot sync', () => {
    for (const code of ['EPERM', 'EISDIR', 'EINVAL']) {
      assert.equal(isUnsupportedDirectorySync(failure(code), 'win32'), true, code);
      assert.equal(isUnsupportedDirectorySync(failure(code), 'linux'), false, code);
      assert.equal(isUnsupportedDirectorySync(failure(code), 'darwin'), false, code);
    }
    for (const code of ['EIO', 'ENOENT', 'EACCES']) assert.equal(isUnsupportedDirectorySync(failure(code), 'win32'), false, code);
    assert.equal(isUnsupportedDirectorySync(new Error('no code'), 'win32'), false);
  });

  it('syncs a real directory and reports a missing one', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-fsync-'));
    try {
      await fsyncDirectory(folder);
      await assert.rejects(fsyncDirectory(path.join(folder, 'missing')), { code: 'ENOENT' });
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
