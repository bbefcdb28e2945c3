import { StringDecoder } from 'node:string_decoder';

export type OutputStream = 'stdout' | 'stderr';

export interface Frame {
  stream: OutputStream;
  payload: Buffer;
}

const HEADER_BYTES = 8;

/**
 * Splits Docker's multiplexed log/attach stream (non-TTY containers) into frames:
 * an 8-byte header — stream type (1 stdout, 2 stderr), three zero bytes, payload
 * size as big-endian uint32 — then the payload. Chunks may cut anywhere.
 */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    while (this.pending.length >= HEADER_BYTES) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < HEADER_BYTES + size) break;
      frames.push({
        stream: this.pending[0] === 2 ? 'stderr' : 'stdout',
        payload: this.pending.subarray(HEADER_BYTES, HEADER_BYTES + size),
      });
      this.pending = this.pending.subarray(HEADER_BYTES + size);
    }
    return frames;
  }

  /** Bytes of an incomplete frame still waiting for the rest. */
  get buffered(): number {
    return this.pending.length;
  }
}

/** Longest line kept whole: a container writing without newlines must not grow the buffer without bound. */
export const MAX_LINE_LENGTH = 64 * 1024;

/**
 * Turns chunks of text into whole lines; a line cut between chunks (or a UTF-8
 * character) is kept until it ends. A line longer than `maxLineLength`
 * characters comes out in pieces of that length, so memory stays bounded.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';

  constructor(private readonly maxLineLength = MAX_LINE_LENGTH) {}

  push(chunk: Buffer | string): string[] {
    const text = this.rest + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines = text.split('\n');
    const unfinished = this.pieces(lines.pop() ?? '');
    // of the line still being written, only its last piece (at most maxLineLength) waits for more
    this.rest = unfinished.pop() ?? '';
    return [...lines.flatMap((line) => this.pieces(line.endsWith('\r') ? line.slice(0, -1) : line)), ...unfinished];
  }

  /** The last line when the stream ended without a newline. */
  flush(): string[] {
    const last = this.rest + this.decoder.end();
    this.rest = '';
    return last ? this.pieces(last) : [];
  }

  /** A line cut into pieces of at most maxLineLength. */
  private pieces(line: string): string[] {
    const out: string[] = [];
    let rest = line;
    while (rest.length > this.maxLineLength) {
      const cut = this.cutAt(rest);
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    out.push(rest);
    return out;
  }

  /** Where to cut a long line: at the limit, or one before it so as not to split a surrogate pair. */
  private cutAt(text: string): number {
    const code = text.charCodeAt(this.maxLineLength - 1);
    return code >= 0xd800 && code <= 0xdbff ? this.maxLineLength - 1 : this.maxLineLength;
  }
}
