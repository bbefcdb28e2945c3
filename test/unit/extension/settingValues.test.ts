// A count setting that is not a whole number ≥ 1 is ignored with a warning, never passed on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wholeNumberSetting } from '../../../src/extension/settings/settingValues';

describe('wholeNumberSetting', () => {
  it('passes a whole number of at least 1', () => {
    assert.deepEqual(wholeNumberSetting('backupRetention', 1), { value: 1 });
    assert.deepEqual(wholeNumberSetting('healthTimeoutSeconds', 300), { value: 300 });
  });

  it('treats null and unset as "use x-dual-env", silently', () => {
    assert.deepEqual(wholeNumberSetting('backupRetention', null), { value: undefined });
    assert.deepEqual(wholeNumberSetting('backupRetention', undefined), { value: undefined });
  });

  it('ignores fractions, zero, negatives and non-numbers, naming the setting and the value', () => {
    for (const bad of [2.5, 0, -3, '4', Number.NaN, Number.POSITIVE_INFINITY]) {
      const { value, warning } = wholeNumberSetting('backupRetention', bad);
      assert.equal(value, undefined, `${String(bad)} was accepted`);
      assert.match(warning ?? '', /^The setting dualEnv\.backupRetention is .+, not a whole number of at least 1; it is ignored/);
    }
    assert.match(wholeNumberSetting('backupRetention', 2.5).warning ?? '', / is 2\.5, /);
  });
});
