import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OrderedChecksum, RowHashSum, checksumsInKeyOrder, CHECKSUM_ALGORITHM, LEGACY_CHECKSUM_ALGORITHM } from '../../../src/core/database/contentChecksum';

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

describe('OrderedChecksum', () => {
  const ordered = (runs: [string, number][]) => {
    const checksum = new OrderedChecksum();
    for (const [text, rows] of runs) checksum.addRun(Buffer.from(text), rows);
    return { hex: checksum.hex(), rows: checksum.rows };
  };

  it('does not depend on where statements were cut', () => {
    const whole = ordered([["(1,'a'),\n(2,'b'),\n(3,NULL)", 3]]);
    assert.deepEqual(ordered([["(1,'a')", 1], ["(2,'b'),\n(3,NULL)", 2]]), whole);
    assert.deepEqual(ordered([["(1,'a')", 1], ['', 0], ["(2,'b')", 1], ['(3,NULL)', 1]]), whole);
    assert.equal(whole.rows, 3);
    assert.match(whole.hex, /^sha256:[0-9a-f]{64}$/);
  });

  it('sees order, any changed byte, and NULL against the string NULL', () => {
    const base = ordered([["(1,'a')", 1], ["(2,'b')", 1]]).hex;
    assert.notEqual(ordered([["(2,'b')", 1], ["(1,'a')", 1]]).hex, base);
    assert.notEqual(ordered([["(1,'a')", 1], ["(2,'c')", 1]]).hex, base);
    assert.notEqual(ordered([['(1,NULL)', 1]]).hex, ordered([["(1,'NULL')", 1]]).hex);
  });

  it('is used for tables with a primary key, except under a v1 manifest', () => {
    assert.equal(checksumsInKeyOrder(CHECKSUM_ALGORITHM, ['id']), true);
    assert.equal(checksumsInKeyOrder(CHECKSUM_ALGORITHM, []), false);
    assert.equal(checksumsInKeyOrder(LEGACY_CHECKSUM_ALGORITHM, ['id']), false);
  });
});
