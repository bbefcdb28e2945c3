/**
 * A table's content checksum: it depends only on the values, never on storage
 * format or generated columns (they are not read), so a dump and its restore
 * agree (CHECKSUM TABLE does not on MariaDB 10.11 with generated columns).
 *
 * Two ways, by whether the table has a primary key:
 * - with one, rows are read in key order, which the key makes unique, and the
 *   checksum is the sha256 of each row's values exactly as the server sends
 *   them (the text protocol's length-prefixed values, NULL as its own byte):
 *   native hashing, and a restore checks a table without encoding any SQL;
 * - without one, no order is stable, so it is an order-independent sum
 *   (mod 2^64) of a 64-bit hash of each row's SQL tuple, as in v1; duplicate
 *   rows count twice.
 */

import crypto from 'node:crypto';

/** What manifest.json names; a manifest with the v1 name was checksummed with RowHashSum for every table. */
export const CHECKSUM_ALGORITHM = 'dual-env-rows-v2: tables with a primary key: sha256 of the rows\' text-protocol values in key order; others as v1';
export const LEGACY_CHECKSUM_ALGORITHM = 'dual-env-rows-v1: sum mod 2^64 of two MurmurHash3-32 of each row as an SQL tuple';

/** Whether a table is checksummed in key order under the manifest's algorithm. */
export function checksumsInKeyOrder(algorithm: string, primaryKey: readonly string[]): boolean {
  return primaryKey.length > 0 && !algorithm.startsWith('dual-env-rows-v1');
}

const STAGING_BYTES = 1 << 20;

/** sha256 of a table's rows in key order; rows are gathered into 1 MB runs so the hash is fed in large pieces. */
export class OrderedChecksum {
  private readonly hash = crypto.createHash('sha256');
  private readonly staging = Buffer.allocUnsafe(STAGING_BYTES);
  private staged = 0;
  rows = 0;

  /** Adds one row: its values as the server sent them, `bytes[start, end)`. */
  addRow(bytes: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (this.staged + length > STAGING_BYTES) this.flush();
    if (length > STAGING_BYTES) {
      this.hash.update(bytes.subarray(start, end));
    } else if (length > 48) {
      this.staging.set(bytes.subarray(start, end), this.staged);
      this.staged += length;
    } else {
      for (let i = start; i < end; i++) this.staging[this.staged++] = bytes[i];
    }
    this.rows++;
  }

  private flush(): void {
    if (this.staged > 0) this.hash.update(this.staging.subarray(0, this.staged));
    this.staged = 0;
  }

  hex(): string {
    this.flush();
    return `sha256:${this.hash.digest('hex')}`;
  }
}

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** MurmurHash3 x86 32-bit body over bytes[start, end), with a seed. */
function murmur32(bytes: Uint8Array, start: number, end: number, seed: number): number {
  let h = seed >>> 0;
  const length = end - start;
  const blocksEnd = start + (length & ~3);
  let i = start;
  for (; i < blocksEnd; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[i + 2] << 16;
    if (tail >= 2) k ^= bytes[i + 1] << 8;
    k ^= bytes[i];
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// two independent 32-bit hashes make a 64-bit row hash: plenty to catch damage, cheap per row
const SEEDS = [0x9747b28c, 0x2f3a1d77];
const TWO_32 = 2 ** 32;

/** The order-independent sum for tables without a primary key; `hex()` is what the manifest holds. */
export class RowHashSum {
  private readonly lanes = [0, 0];
  private pending = 0;
  rows = 0;

  /** Adds one row given as its encoded bytes (the `(v1,v2,…)` tuple of the dump). */
  addRow(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.lanes[0] += murmur32(bytes, start, end, SEEDS[0]);
    this.lanes[1] += murmur32(bytes, start, end, SEEDS[1]);
    this.rows++;
    // each lane stays an exact integer below 2^53: carry every 2^20 additions of < 2^32
    if (++this.pending === 1 << 20) this.normalize();
  }

  private normalize(): void {
    let carry = 0;
    for (let lane = 0; lane < this.lanes.length; lane++) {
      const total = this.lanes[lane] + carry;
      this.lanes[lane] = total % TWO_32;
      carry = Math.floor(total / TWO_32);
    }
    this.pending = 0;
  }

  hex(): string {
    this.normalize();
    return this.lanes.slice().reverse().map((lane) => lane.toString(16).padStart(8, '0')).join('');
  }
}
