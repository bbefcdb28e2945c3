import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { openSshStream } from '../../../src/core/database/sshStream';

describe('a database stream over ssh -W', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-fake-ssh-'));
  const savedPath = process.env.PATH;
  before(() => {
    // an ssh whose far end sends a greeting and hangs up at once, as a server shutting down without an error packet
    fs.writeFileSync(path.join(dir, 'ssh'), '#!/bin/sh\nprintf greeting\nexit 0\n', { mode: 0o755 });
    process.env.PATH = `${dir}${path.delimiter}${savedPath}`;
  });
  after(() => {
    process.env.PATH = savedPath;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('closes when the far end hangs up, as a socket does: a driver waiting for a reply hears of it', async () => {
    const stream = await openSshStream({ host: 'db.example', connectTimeoutSeconds: 5 }, '127.0.0.1', 3306);
    const read: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => read.push(chunk));
    // what mysql2 listens for; without it a query waits for ever
    await once(stream, 'close');
    assert.equal(Buffer.concat(read).toString(), 'greeting');
  });
});
