import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RestorableRowGuard } from '../../../src/core/database/restorableRowGuard';
import type { TableInfo } from '../../../src/core/database/schema';

const table: TableInfo = {
  name: 'notes',
  columns: [{ name: 'id', kind: 'number', utf8: false }, { name: 'body', kind: 'string', utf8: true }, { name: 'raw', kind: 'hex', utf8: false }],
  estimatedRows: 0,
  estimatedBytes: 0,
  primaryKey: ['id'],
};

/** One text-protocol row: the values side by side in one buffer, with where each lies (NULL: start -1). */
function row(...values: (Buffer | null)[]) {
  const buffer = Buffer.concat(values.map((v) => v ?? Buffer.alloc(0)));
  const starts = new Int32Array(values.length);
  const ends = new Int32Array(values.length);
  let at = 0;
  values.forEach((v, i) => {
    starts[i] = v ? at : -1;
    at += v?.length ?? 0;
    ends[i] = at;
  });
  return [buffer, starts, ends] as const;
}

describe('a dump refuses rows no restore could load back', () => {
  it('takes valid UTF-8 in text columns and any bytes in binary ones', () => {
    const guard = new RestorableRowGuard(table, undefined, 0);
    const values = row(Buffer.from('7'), Buffer.from('Grüße 😀'), Buffer.from([0xc3, 0x28]));
    assert.doesNotThrow(() => guard.checkNonAscii(1, ...values));
    assert.doesNotThrow(() => guard.checkNonAscii(2, ...values));
  });

  it('names table, column and key of a text value that is not UTF-8, never the value', () => {
    const guard = new RestorableRowGuard(table, undefined, 0);
    assert.throws(() => guard.checkNonAscii(1, ...row(Buffer.from('42'), Buffer.from([0x73, 0x65, 0x63, 0xc3, 0x28]), null)), (error: Error) => {
      assert.equal(error.message, "table notes, column body: the row with id = 42 holds bytes that are not valid in the column's character set, which no restore could load back; correct the value and back up again");
      return true;
    });
  });

  it('refuses a row whose INSERT alone is larger than the server takes', () => {
    const guard = new RestorableRowGuard(table, 1000, 40);
    assert.doesNotThrow(() => guard.checkSize(960, ...row(Buffer.from('1'), null, null)));
    assert.throws(() => guard.checkSize(961, ...row(Buffer.from('1'), null, null)), /table notes: the row with id = 1 takes 961 bytes of SQL .* max_allowed_packet of 1000 bytes/);
    assert.doesNotThrow(() => new RestorableRowGuard(table, undefined, 40).checkSize(10 ** 9, ...row(Buffer.from('1'), null, null)));
  });
});
