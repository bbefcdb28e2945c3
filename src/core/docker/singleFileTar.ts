// The Docker archive API speaks tar. Dual Env only ever moves one small file through it
// (an environment's deploy history), so a few lines of ustar suffice, rather than a
// dependency on tar-stream, which dockerode pulls in only transitively.

const BLOCK = 512;

/** A tar holding one regular file `name` (no folders: the archive is extracted into an existing one). */
export function tarOfOneFile(name: string, content: Buffer, mtime: Date, mode = 0o600): Buffer {
  if (Buffer.byteLength(name) > 99 || name.includes('/')) throw new Error(`tarOfOneFile takes a short plain file name, not "${name}"`);
  const header = Buffer.alloc(BLOCK);
  header.write(name, 0, 'utf8');
  writeOctal(header, 100, 8, mode);
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  writeOctal(header, 124, 12, content.length);
  writeOctal(header, 136, 12, Math.floor(mtime.getTime() / 1000));
  header.write('0', 156, 'ascii');
  header.write('ustar\u000000', 257, 'ascii');
  // the checksum is computed with its own field as spaces
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'ascii');
  const padding = Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK);
  return Buffer.concat([header, content, padding, Buffer.alloc(2 * BLOCK)]);
}

/** The content of the first regular file in a tar; undefined when it holds none. Extended headers (PAX, GNU long names) are skipped. */
export function firstFileOfTar(tar: Buffer): Buffer | undefined {
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) return undefined;
    const size = readSize(header.subarray(124, 136));
    const type = String.fromCharCode(header[156]);
    const start = offset + BLOCK;
    if (type === '0' || type === '\u0000') {
      if (start + size > tar.length) throw new Error('the tar ends inside its file');
      return Buffer.from(tar.subarray(start, start + size));
    }
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return undefined;
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  header.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'ascii');
}

/** Octal ASCII, or base-256 (high bit of the first byte set) as GNU tar and Go write for large sizes. */
function readSize(field: Buffer): number {
  if (field[0] & 0x80) {
    let value = field[0] & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const text = field.toString('ascii').replace(/[\0 ]+$/g, '').trim();
  return text ? Number.parseInt(text, 8) : 0;
}
