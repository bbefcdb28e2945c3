import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeenLines } from '../../../src/core/docker/seenLines';

describe('SeenLines', () => {
  it('shows every distinct line of one attach, equal timestamps and equal texts included', () => {
    const seen = new SeenLines();
    seen.reattach();
    assert.deepEqual([
      seen.admit(1n, 'stdout', 'a'), seen.admit(2n, 'stdout', 'b'), seen.admit(2n, 'stderr', 'b'), seen.admit(2n, 'stdout', 'b'),
    ], [true, true, true, true]);
    assert.equal(seen.since, 2n);
  });

  it('after a re-attach skips what came before and each line already shown at the boundary, once', () => {
    const seen = new SeenLines();
    seen.reattach();
    for (const [nanos, stream, text] of [[1n, 'stdout', 'a'], [2n, 'stdout', 'b'], [2n, 'stdout', 'b'], [2n, 'stderr', 'c']] as const) seen.admit(nanos, stream, text);
    seen.reattach();
    assert.deepEqual([
      seen.admit(1n, 'stdout', 'a'), // older than the boundary
      seen.admit(2n, 'stdout', 'b'), seen.admit(2n, 'stdout', 'b'), seen.admit(2n, 'stderr', 'c'), // the boundary's lines again
      seen.admit(2n, 'stdout', 'b'), // a third b at that time is new
      seen.admit(2n, 'stderr', 'd'), seen.admit(3n, 'stdout', 'e'),
    ], [false, false, false, false, true, true, true]);
    // a second re-attach before anything newer: the boundary is 3 now
    seen.reattach();
    assert.deepEqual([seen.admit(2n, 'stderr', 'd'), seen.admit(3n, 'stdout', 'e'), seen.admit(3n, 'stdout', 'f')], [false, false, true]);
  });
});
