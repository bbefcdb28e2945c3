import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SqlBuffer, valueKindOf } from '../../../src/core/database/valueEncoding';

function encode(raw: Buffer | null, dataType: string): string {
  const sql = new SqlBuffer(4);
  // a NULL comes from the row reader as a negative start
  if (raw === null) sql.valueFrom(Buffer.alloc(0), -1, -1, valueKindOf(dataType));
  else sql.valueFrom(raw, 0, raw.length, valueKindOf(dataType));
  return sql.view().toString('utf8');
}

describe('value encoding', () => {
  it('writes numbers as the server printed them', () => {
    assert.equal(encode(Buffer.from('-9223372036854775808'), 'bigint'), '-9223372036854775808');
    assert.equal(encode(Buffer.from('99999999999999999999999999999999999.999999999999999999999999999999'), 'decimal'), '99999999999999999999999999999999999.999999999999999999999999999999');
    assert.equal(encode(Buffer.from('0.10000000149011612'), 'float'), '0.10000000149011612');
    assert.equal(encode(Buffer.from('0000'), 'year'), '0000');
  });

  it('writes a DOUBLE\'s -0 as a floating-point literal (the literal -0 is the integer 0)', () => {
    assert.equal(encode(Buffer.from('-0'), 'double'), '-0e0');
    assert.equal(encode(Buffer.from('-0'), 'float'), '-0e0');
    assert.equal(encode(Buffer.from('-0.5'), 'double'), '-0.5');
    assert.equal(encode(Buffer.from('0'), 'double'), '0');
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
    const blob = Buffer.alloc(1000, 0xab);
    sql.valueFrom(blob, 0, blob.length, valueKindOf('longblob'));
    assert.equal(sql.length, 2002);
    sql.clear();
    sql.shrink(16);
    assert.equal(sql.buffer.length, 16);
  });

  it('agrees with a plain reference encoder for every byte, length and offset into a packet', () => {
    const reference = (bytes: Buffer, kind: 'string' | 'hex') => {
      if (kind === 'hex') return bytes.length === 0 ? "''" : `0x${bytes.toString('hex')}`;
      const escapes: Record<number, string> = { 0: '\\0', 10: '\\n', 13: '\\r', 26: '\\Z', 34: '\\"', 39: "\\'", 92: '\\\\' };
      return `'${[...bytes].map((b) => escapes[b] ?? String.fromCharCode(b)).join('')}'`;
    };
    const packet = Buffer.alloc(600);
    for (let i = 0; i < packet.length; i++) packet[i] = (i * 37 + 11) % 256;
    for (const length of [0, 1, 2, 47, 48, 49, 63, 64, 65, 200, 511]) {
      for (const offset of [0, 3, 17]) {
        for (const kind of ['string', 'hex'] as const) {
          const sql = new SqlBuffer(8);
          sql.valueFrom(packet, offset, offset + length, kind);
          assert.equal(sql.view().toString('latin1'), reference(packet.subarray(offset, offset + length), kind), `${kind}, ${length} bytes at ${offset}`);
        }
      }
    }
  });

  it('says which strings hold a byte above 0x7f, the only ones whose UTF-8 a dump must check', () => {
    const sql = new SqlBuffer(64);
    const flag = (value: Buffer, dataType: string) => sql.valueFrom(value, 0, value.length, valueKindOf(dataType));
    assert.equal(flag(Buffer.from("plain 'ascii'\n"), 'varchar'), false);
    assert.equal(flag(Buffer.from('Grüße'), 'varchar'), true);
    assert.equal(flag(Buffer.from(`${'x'.repeat(60)}é`), 'text'), true, 'a long value is scanned too');
    assert.equal(flag(Buffer.from([0xff, 0x00]), 'blob'), false, 'binary is hex, never checked');
    assert.equal(flag(Buffer.from('-12.5'), 'decimal'), false);
  });
});
