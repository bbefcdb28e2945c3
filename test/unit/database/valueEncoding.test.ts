import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SqlBuffer, valueKindOf } from '../../../src/core/database/valueEncoding';

function encode(raw: Buffer | null, dataType: string): string {
  const sql = new SqlBuffer(4);
  sql.value(raw, valueKindOf(dataType));
  return sql.view().toString('utf8');
}

describe('value encoding', () => {
  it('writes numbers as the server printed them', () => {
    assert.equal(encode(Buffer.from('-9223372036854775808'), 'bigint'), '-9223372036854775808');
    assert.equal(encode(Buffer.from('99999999999999999999999999999999999.999999999999999999999999999999'), 'decimal'), '99999999999999999999999999999999999.999999999999999999999999999999');
    assert.equal(encode(Buffer.from('0.10000000149011612'), 'float'), '0.10000000149011612');
    assert.equal(encode(Buffer.from('0000'), 'year'), '0000');
  });

  it('writes NULL apart from the string NULL', () => {
    assert.equal(encode(null, 'varchar'), 'NULL');
    assert.equal(encode(Buffer.from('NULL'), 'varchar'), "'NULL'");
    assert.equal(encode(null, 'blob'), 'NULL');
  });

  it('escapes the bytes string literals need, and keeps UTF-8 as is', () => {
    const raw = Buffer.from("a'b\"c\\d\0e\nf\rg\x1ah 😀 “x”", 'utf8');
    assert.equal(encode(raw, 'text'), "'a\\'b\\\"c\\\\d\\0e\\nf\\rg\\Zh 😀 “x”'");
    const long = Buffer.from('x'.repeat(100) + "'", 'utf8');
    assert.equal(encode(long, 'varchar'), `'${'x'.repeat(100)}\\''`);
    assert.equal(encode(Buffer.from('y'.repeat(100)), 'varchar'), `'${'y'.repeat(100)}'`);
  });

  it('writes binary, BIT and spatial values as hex, and empty binary as an empty string', () => {
    assert.equal(encode(Buffer.from([0, 0xff, 0x27]), 'varbinary'), '0x00ff27');
    assert.equal(encode(Buffer.alloc(0), 'blob'), "''");
    assert.equal(encode(Buffer.from([1]), 'bit'), '0x01');
    assert.equal(encode(Buffer.from('e6100000', 'hex'), 'point'), '0xe6100000');
  });

  it('quotes dates, times, enums, sets and JSON as strings', () => {
    for (const type of ['date', 'datetime', 'timestamp', 'time', 'enum', 'set', 'json', 'uuid', 'inet6']) {
      assert.equal(valueKindOf(type), 'string', type);
    }
    assert.equal(encode(Buffer.from('0000-00-00 00:00:00.000000'), 'datetime'), "'0000-00-00 00:00:00.000000'");
  });

  it('grows its buffer and shrinks it back after an outsized row', () => {
    const sql = new SqlBuffer(8);
    sql.value(Buffer.alloc(1000, 0xab), valueKindOf('longblob'));
    assert.equal(sql.length, 2002);
    sql.clear();
    sql.shrink(16);
    assert.equal(sql.buffer.length, 16);
  });
});
