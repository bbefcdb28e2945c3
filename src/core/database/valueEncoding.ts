/**
 * Turns the raw text-protocol bytes of one column value into an SQL literal,
 * exactly: numbers are written as the server printed them, strings escaped
 * byte by byte (UTF-8 multi-byte sequences never contain the ASCII bytes that
 * need escaping), binary, BIT and spatial values as hex.
 */

/** How a column's values are written in the dump. */
export type ValueKind = 'number' | 'float' | 'hex' | 'string';

const NUMBER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'decimal', 'numeric', 'double', 'real', 'year']);
const HEX_TYPES = new Set([
  'bit', 'binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob',
  'geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection',
]);

/** The kind of a column from information_schema.COLUMNS.DATA_TYPE. */
export function valueKindOf(dataType: string): ValueKind {
  const type = dataType.toLowerCase();
  // FLOAT prints with 6 significant digits in the text protocol: it is selected as DOUBLE, which round-trips
  if (type === 'float') return 'float';
  if (NUMBER_TYPES.has(type)) return 'number';
  if (HEX_TYPES.has(type)) return 'hex';
  return 'string';
}

// byte → escape letter, for the bytes the MySQL string-literal syntax needs escaped
const ESCAPES = new Uint8Array(256);
ESCAPES[0x00] = 0x30; // \0
ESCAPES[0x0a] = 0x6e; // \n
ESCAPES[0x0d] = 0x72; // \r
ESCAPES[0x1a] = 0x5a; // \Z
ESCAPES[0x22] = 0x22; // \"
ESCAPES[0x27] = 0x27; // \'
ESCAPES[0x5c] = 0x5c; // \\
// eslint-disable-next-line no-control-regex -- NUL and ^Z are exactly the bytes looked for
const NEEDS_ESCAPE = /[\0\n\r\x1a"'\\]/;

/** A growable byte buffer the encoder writes SQL into without building strings. */
export class SqlBuffer {
  buffer: Buffer;
  length = 0;

  constructor(initialSize = 1 << 20) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }

  ascii(text: string): void {
    this.reserve(text.length);
    this.length += this.buffer.write(text, this.length, 'latin1');
  }

  utf8(text: string): void {
    this.reserve(Buffer.byteLength(text));
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  bytes(value: Buffer): void {
    this.reserve(value.length);
    this.length += value.copy(this.buffer, this.length);
  }

  hex(value: Buffer): void {
    this.reserve(2 * value.length);
    this.length += this.buffer.write(value.toString('hex'), this.length, 'latin1');
  }

  /** Bytes of `value` as the inside of a quoted literal, escaped. */
  escaped(value: Buffer): void {
    const n = value.length;
    // long values without anything to escape (the common case) are copied in one go
    if (n > 64 && !NEEDS_ESCAPE.test(value.toString('latin1', 0, n))) {
      this.bytes(value);
      return;
    }
    this.reserve(2 * n);
    const out = this.buffer;
    let pos = this.length;
    for (let i = 0; i < n; i++) {
      const b = value[i];
      const escape = ESCAPES[b];
      if (escape === 0) {
        out[pos++] = b;
      } else {
        out[pos++] = 0x5c;
        out[pos++] = escape;
      }
    }
    this.length = pos;
  }

  /** One value as an SQL literal; `null` is SQL NULL (never the string 'NULL'). */
  value(raw: Buffer | null, kind: ValueKind): void {
    if (raw === null) {
      this.ascii('NULL');
    } else if (kind === 'number' || kind === 'float') {
      this.bytes(raw);
    } else if (kind === 'hex') {
      if (raw.length === 0) {
        this.ascii("''");
      } else {
        this.ascii('0x');
        this.hex(raw);
      }
    } else {
      this.byte(0x27);
      this.escaped(raw);
      this.byte(0x27);
    }
  }

  /** The bytes written so far, as a view (valid until the next write). */
  view(start = 0, end = this.length): Buffer {
    return this.buffer.subarray(start, end);
  }

  clear(): void {
    this.length = 0;
  }

  /** Gives back a big buffer after an outsized row, so memory stays bounded. */
  shrink(limit: number): void {
    if (this.buffer.length > limit && this.length === 0) this.buffer = Buffer.allocUnsafe(limit);
  }
}
