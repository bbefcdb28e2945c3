import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RowHashSum } from '../../../src/core/database/contentChecksum';

function checksumOf(rows: string[]): string {
  const checksum = new RowHashSum();
  for (const row of rows) checksum.addRow(Buffer.from(row));
  return checksum.hex();
}

describe('RowHashSum', () => {
  it('does not depend on row order', () => {
    assert.equal(checksumOf(['(1,\'a\')', '(2,\'b\')', '(3,NULL)']), checksumOf(['(3,NULL)', '(1,\'a\')', '(2,\'b\')']));
  });

  it('counts duplicate rows, and sees any changed byte', () => {
    const base = checksumOf(['(1,\'dup\')', '(2,\'x\')']);
    assert.notEqual(checksumOf(['(1,\'dup\')', '(1,\'dup\')', '(2,\'x\')']), base);
    assert.notEqual(checksumOf(['(1,\'dup\')', '(2,\'y\')']), base);
    assert.notEqual(checksumOf(['(1,NULL)']), checksumOf(['(1,\'NULL\')']));
  });

  it('is all zeros for an empty table and counts rows', () => {
    const checksum = new RowHashSum();
    assert.equal(checksum.hex(), '0000000000000000');
    checksum.addRow(Buffer.from('(1)'));
    assert.equal(checksum.rows, 1);
  });

  it('stays exact past the carry interval', () => {
    const many = new RowHashSum();
    const row = Buffer.from('(42)');
    for (let i = 0; i < (1 << 20) + 5; i++) many.addRow(row);
    const again = new RowHashSum();
    for (let i = 0; i < (1 << 20) + 5; i++) again.addRow(row);
    assert.equal(many.hex(), again.hex());
    assert.equal(many.rows, (1 << 20) + 5);
  });
});
