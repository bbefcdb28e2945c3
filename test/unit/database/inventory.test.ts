import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { missingFromBackup } from '../../../src/core/database/inventory';

describe('a backup accounts for every object the server lists', () => {
  it('finds nothing missing when everything was written', () => {
    assert.deepEqual(missingFromBackup(['TABLE orders', 'VIEW totals', 'TRIGGER audit', 'PACKAGE BODY pricing'], ['PACKAGE BODY pricing', 'TABLE orders', 'TRIGGER audit', 'VIEW totals', 'EVENT extra']), []);
  });

  it('names, in the server\'s words, what the backup would leave out', () => {
    assert.deepEqual(missingFromBackup(['TABLE orders', 'TEMPORARY scratch', 'VIEW totals', 'PACKAGE pricing'], ['TABLE orders', 'VIEW totals']), ['TEMPORARY scratch', 'PACKAGE pricing']);
  });
});
