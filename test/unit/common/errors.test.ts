import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelledError, UsageError, isCancelled } from '../../../src/core/common/errors';

describe('isCancelled', () => {
  it('knows a CancelledError from another bundle, where instanceof fails', () => {
    // engine.js and extension.js each bundle their own CancelledError class
    class OtherBundlesCancelledError extends Error {
      readonly cancelled = true;
    }
    const foreign = new OtherBundlesCancelledError('Backup cancelled; no backup was kept.');
    assert.equal(foreign instanceof CancelledError, false);
    assert.equal(isCancelled(foreign), true);
    assert.equal(isCancelled(new CancelledError()), true);
  });

  it('is false for failures and for non-errors', () => {
    assert.equal(isCancelled(new UsageError('no such environment')), false);
    assert.equal(isCancelled(new Error('cancelled')), false);
    assert.equal(isCancelled({ cancelled: true }), false);
    assert.equal(isCancelled(undefined), false);
  });
});
