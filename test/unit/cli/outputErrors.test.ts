import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outputErrorHandler } from '../../../src/cli/main';

const failure = (code: string) => Object.assign(new Error(`write ${code}`), { code });

describe('a failed write to stdout or stderr', () => {
  it('ends a read-only command whose reader went away (`dual-env history | head`)', () => {
    const exits: number[] = [];
    outputErrorHandler('stdout', () => false, (code) => exits.push(code))(failure('EPIPE'));
    assert.deepEqual(exits, [0]);
  });

  it('never ends a deploy or rollback: a closed pipe or a hung-up terminal (EIO) only loses the output', () => {
    const exits: number[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      for (const code of ['EPIPE', 'EIO']) outputErrorHandler(stream, () => true, (c) => exits.push(c))(failure(code));
    }
    assert.deepEqual(exits, []);
  });

  it('is ignored on stderr, and any other failure is thrown', () => {
    const exits: number[] = [];
    outputErrorHandler('stderr', () => false, (c) => exits.push(c))(failure('EPIPE'));
    assert.deepEqual(exits, []);
    assert.throws(() => outputErrorHandler('stdout', () => false, () => undefined)(failure('ENOSPC')), /ENOSPC/);
  });
});
