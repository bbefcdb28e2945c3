import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nanosToSince, timestampNanos } from '../../../src/core/docker/logFollower';
import { backoffDelay } from '../../../src/core/docker/statusMonitor';
import { historyLines, parseSince, parseTail } from '../../../src/cli/commands/logs';
import { UsageError } from '../../../src/core/common/errors';

describe('log timestamps', () => {
  it('keeps nanosecond precision, so a re-attach can skip exactly the lines already shown', () => {
    const a = timestampNanos('2026-11-25T14:49:30.123456789Z');
    const b = timestampNanos('2026-11-25T14:49:30.12345679Z');
    assert.equal(a, 1795618170123456789n);
    assert.ok(a !== undefined && b !== undefined && b > a);
    assert.equal(timestampNanos('2026-11-25T14:49:30Z'), 1795618170000000000n);
    assert.equal(timestampNanos('not-a-time'), undefined);
    assert.equal(nanosToSince(1795618170000000042n), '1795618170.000000042');
  });
});

describe('backoffDelay', () => {
  it('doubles from the first delay and stops growing at the cap', () => {
    const middle = () => 0.5;
    assert.deepEqual([0, 1, 2, 3, 10, 100].map((n) => backoffDelay(n, 250, 10_000, middle)), [250, 500, 1000, 2000, 10_000, 10_000]);
    assert.equal(backoffDelay(0, 1000, 10_000, () => 0), 800);
  });
});

describe('logs options', () => {
  it('reads --since as a duration ago or a date', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    assert.equal(parseSince('10m', now), now / 1000 - 600);
    assert.equal(parseSince('1h30m', now), now / 1000 - 5400);
    assert.equal(parseSince('2026-11-25T11:00:00Z', now), now / 1000 - 3600);
    assert.throws(() => parseSince('yesterday', now), UsageError);
  });

  it('reads --tail as a number or all', () => {
    assert.equal(parseTail('20'), 20);
    assert.equal(parseTail('all'), undefined);
    assert.throws(() => parseTail('-3'), UsageError);
  });

  it('bounds the history without -f to 200 lines unless --tail or --since says otherwise', () => {
    assert.equal(historyLines({}), 200);
    assert.equal(historyLines({ follow: true }), undefined);
    assert.equal(historyLines({ since: '10m' }), undefined);
    assert.equal(historyLines({ tail: 'all' }), undefined);
    assert.equal(historyLines({ tail: '5', follow: true }), 5);
  });
});
