/**
 * A table's content checksum: an order-independent sum (mod 2^64) of a hash of
 * each row's canonical SQL encoding. It depends only on the values, never on
 * row order, storage format or generated columns, so a dump and its restore
 * agree (CHECKSUM TABLE does not on MariaDB 10.11 with generated columns), and
 * duplicate rows count twice.
 */

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

/** Accumulates rows of one table; `hex()` is the checksum written to the manifest. */
export class ContentChecksum {
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
