import assert from 'node:assert/strict';
import crypto from 'node:crypto';
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
  const ordered = (rows: Buffer[], packet = Buffer.alloc(0)) => {
    const checksum = new OrderedChecksum();
    // each row sits somewhere inside a bigger packet buffer, as the driver hands it over
    for (const row of rows) {
      const buffer = Buffer.concat([packet, row, packet]);
      checksum.addRow(buffer, packet.length, packet.length + row.length);
    }
    return { hex: checksum.hex(), rows: checksum.rows };
  };
  const row = (text: string) => Buffer.from(text, 'latin1');

  it('is the sha256 of the rows in order, whatever surrounds them and however long they are', () => {
    const rows = [row('\x011\x03abc'), row('\x012\xfb'), Buffer.alloc(70_000, 7), Buffer.alloc(1_200_000, 9), row('\x013\x00')];
    const whole = crypto.createHash('sha256').update(Buffer.concat(rows)).digest('hex');
    assert.deepEqual(ordered(rows), { hex: `sha256:${whole}`, rows: 5 });
    assert.deepEqual(ordered(rows, Buffer.from('header')), { hex: `sha256:${whole}`, rows: 5 });
  });

  it('sees order and any changed byte', () => {
    const base = ordered([row('\x011\x01a'), row('\x012\x01b')]).hex;
    assert.notEqual(ordered([row('\x012\x01b'), row('\x011\x01a')]).hex, base);
    assert.notEqual(ordered([row('\x011\x01a'), row('\x012\x01c')]).hex, base);
  });

  it('is used for tables with a primary key, except under a v1 manifest', () => {
    assert.equal(checksumsInKeyOrder(CHECKSUM_ALGORITHM, ['id']), true);
    assert.equal(checksumsInKeyOrder(CHECKSUM_ALGORITHM, []), false);
    assert.equal(checksumsInKeyOrder(LEGACY_CHECKSUM_ALGORITHM, ['id']), false);
  });
});
