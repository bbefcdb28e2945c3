/**
 * Splits a stream of SQL text into statements the way the mysql client does:
 * `;` (or the current `DELIMITER`) outside quotes and comments ends a
 * statement; `--`/`#` line comments are dropped, `/* … *\/` comments kept (the
 * server reads `/*!…*\/` ones). Works on bytes, so a chunk may end anywhere,
 * even inside a UTF-8 sequence.
 */

const QUOTE_SINGLE = 0x27;
const QUOTE_DOUBLE = 0x22;
const BACKTICK = 0x60;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const DASH = 0x2d;
const HASH = 0x23;
const SLASH = 0x2f;
const STAR = 0x2a;

const SEMICOLON = 0x3b;
const STATEMENT_END = Buffer.from(';\n');
const INSERT_START = Buffer.from('INSERT INTO `');
const VALUES_LINE_END = Buffer.from(' VALUES');

/** A statement as text, or, for an INSERT of Dual Env's own dump, its UTF-8 bytes (starting with `INSERT`, no delimiter). */
export type Statement = string | Buffer;

type State = 'code' | 'single' | 'double' | 'backtick' | 'lineComment' | 'blockComment' | 'ownInsert';

/**
 * Where the rows of an INSERT as Dual Env's writer words it begin, or -1:
 * `INSERT INTO `t` (`a`,…) VALUES` alone on a line whose backticks pair up
 * (so that newline is not inside an identifier).
 */
function ownInsertRows(data: Buffer, i: number): number {
  // a statement whose start straddles two chunks is read byte by byte: rare, and only slower
  if (data[i] !== INSERT_START[0] || i + INSERT_START.length > data.length) return -1;
  if (data.compare(INSERT_START, 0, INSERT_START.length, i, i + INSERT_START.length) !== 0) return -1;
  const lineEnd = data.indexOf(NEWLINE, i);
  if (lineEnd - VALUES_LINE_END.length < i + INSERT_START.length) return -1;
  if (data.compare(VALUES_LINE_END, 0, VALUES_LINE_END.length, lineEnd - VALUES_LINE_END.length, lineEnd) !== 0) return -1;
  let backticks = 0;
  for (let at = data.indexOf(BACKTICK, i); at !== -1 && at < lineEnd; at = data.indexOf(BACKTICK, at + 1)) backticks++;
  return backticks % 2 === 0 ? lineEnd + 1 : -1;
}

export class StatementSplitter {
  /**
   * `ownDump`: the input is Dual Env's own dump, whose INSERTs never hold a
   * raw newline inside a value (the writer escapes it), so each ends at the
   * first `;` + newline after its rows start: found with a native search
   * instead of byte by byte.
   */
  constructor(private readonly options: { ownDump?: boolean } = {}) {}

  private delimiter: Buffer = Buffer.from(';');
  /** In an own INSERT, the last chunk ended with `;`: a newline first in the next one ends the statement. */
  private semicolonAtEnd = false;
  private state: State = 'code';
  /** Pieces of the statement being read, from earlier chunks. */
  private pieces: Buffer[] = [];
  private pending: Buffer = Buffer.alloc(0);
  /** Whether the statement so far holds anything but whitespace. */
  private started = false;
  private escapeNext = false;

  /** Feeds a chunk; returns the statements it completed (without their delimiter). */
  push(chunk: Buffer): Statement[] {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    const out: Statement[] = [];
    let segmentStart = 0;
    let i = 0;
    const n = data.length;
    const delimiter = () => this.delimiter;
    while (i < n) {
      const b = data[i];
      switch (this.state) {
        case 'single':
        case 'double': {
          const quote = this.state === 'single' ? QUOTE_SINGLE : QUOTE_DOUBLE;
          // jump through the string: only a backslash or the quote matter
          for (; i < n; i++) {
            const c = data[i];
            if (this.escapeNext) { this.escapeNext = false; continue; }
            if (c === BACKSLASH) { this.escapeNext = true; continue; }
            if (c === quote) { this.state = 'code'; i++; break; }
          }
          continue;
        }
        case 'backtick': {
          const end = data.indexOf(BACKTICK, i);
          if (end === -1) { i = n; continue; }
          this.state = 'code';
          i = end + 1;
          continue;
        }
        case 'lineComment': {
          const end = data.indexOf(NEWLINE, i);
          if (end === -1) { i = n; segmentStart = n; continue; }
          this.state = 'code';
          i = end + 1;
          segmentStart = i;
          continue;
        }
        case 'blockComment': {
          const end = data.indexOf('*/', i);
          if (end === -1) {
            // keep the last byte: it may be the `*` of a `*/` split across chunks
            if (n - 1 > i) i = n - 1;
            this.pending = data.subarray(i);
            this.pieces.push(data.subarray(segmentStart, i));
            return this.finishChunk(out);
          }
          this.state = 'code';
          i = end + 2;
          continue;
        }
        case 'ownInsert': {
          if (this.semicolonAtEnd) {
            this.semicolonAtEnd = false;
            if (b === NEWLINE) {
              const last = this.pieces.length - 1;
              this.pieces[last] = this.pieces[last].subarray(0, this.pieces[last].length - 1);
              this.emit(out);
              this.state = 'code';
              i++;
              segmentStart = i;
              continue;
            }
          }
          const end = data.indexOf(STATEMENT_END, i);
          if (end === -1) {
            this.semicolonAtEnd = data[n - 1] === SEMICOLON;
            i = n;
            continue;
          }
          this.pieces.push(data.subarray(segmentStart, end));
          this.emit(out);
          this.state = 'code';
          i = end + STATEMENT_END.length;
          segmentStart = i;
          continue;
        }
        case 'code':
          break;
      }
      // code: look for what starts a quote, a comment or ends the statement
      if (b === QUOTE_SINGLE) { this.state = 'single'; this.started = true; i++; continue; }
      if (b === QUOTE_DOUBLE) { this.state = 'double'; this.started = true; i++; continue; }
      if (b === BACKTICK) { this.state = 'backtick'; this.started = true; i++; continue; }
      if (b === HASH || (b === DASH && i + 1 < n && data[i + 1] === DASH && (i + 2 >= n || data[i + 2] <= 0x20))) {
        if (b === DASH && i + 2 >= n) { return this.keepTail(data, segmentStart, i, out); }
        this.pieces.push(data.subarray(segmentStart, i));
        this.state = 'lineComment';
        continue;
      }
      if (b === DASH && i + 1 >= n) return this.keepTail(data, segmentStart, i, out);
      if (b === SLASH && i + 1 < n && data[i + 1] === STAR) { this.state = 'blockComment'; i += 2; continue; }
      if (b === SLASH && i + 1 >= n) return this.keepTail(data, segmentStart, i, out);
      const d = delimiter();
      if (b === d[0]) {
        if (i + d.length > n) return this.keepTail(data, segmentStart, i, out);
        if (d.length === 1 || data.subarray(i, i + d.length).equals(d)) {
          this.pieces.push(data.subarray(segmentStart, i));
          this.emit(out);
          i += d.length;
          segmentStart = i;
          continue;
        }
      }
      if (!this.started) {
        if (b <= 0x20) { i++; segmentStart = i; continue; }
        const rows = this.options.ownDump && this.delimiter.length === 1 && this.delimiter[0] === SEMICOLON ? ownInsertRows(data, i) : -1;
        if (rows !== -1) {
          this.started = true;
          this.state = 'ownInsert';
          i = rows;
          continue;
        }
        // DELIMITER is a client command on a line of its own
        if ((b === 0x44 || b === 0x64)) {
          const lineEnd = data.indexOf(NEWLINE, i);
          // a DELIMITER line is short: wait for its end, but never for long (a huge DELETE on one line)
          if (lineEnd === -1 && n - i < 256) return this.keepTail(data, segmentStart, i, out);
          const line = lineEnd === -1 ? '' : data.toString('utf8', i, lineEnd).trim();
          const match = /^delimiter\s+(\S+)$/i.exec(line);
          if (match) {
            this.delimiter = Buffer.from(match[1]);
            i = lineEnd + 1;
            segmentStart = i;
            continue;
          }
        }
        this.started = true;
      }
      i++;
    }
    if (this.state !== 'lineComment' && segmentStart < n) this.pieces.push(data.subarray(segmentStart, n));
    return this.finishChunk(out);
  }

  /** The statement left at the end of the input, if it holds anything (a dump's last one has its `;`). */
  end(): Statement[] {
    const out: Statement[] = [];
    if (this.pending.length > 0) this.pieces.push(this.pending);
    this.pending = Buffer.alloc(0);
    if (this.started) this.emit(out);
    return out;
  }

  /** Whether the input so far ended between statements (a whole dump does). */
  get atStatementBoundary(): boolean {
    return !this.started && this.state !== 'single' && this.state !== 'double' && this.state !== 'backtick' && this.state !== 'blockComment';
  }

  private keepTail(data: Buffer, segmentStart: number, i: number, out: Statement[]): Statement[] {
    if (i > segmentStart) this.pieces.push(data.subarray(segmentStart, i));
    this.pending = data.subarray(i);
    return this.finishChunk(out);
  }

  private finishChunk(out: Statement[]): Statement[] {
    // pieces stay views into their chunks (never copied per chunk: a 60 MB statement would cost O(n²))
    return out;
  }

  private emit(out: Statement[]): void {
    const bytes = Buffer.concat(this.pieces);
    this.pieces = [];
    this.started = false;
    if (this.state === 'ownInsert') {
      // sent to the server as they are: decoding 1 MB of UTF-8 for the driver to encode it again costs a copy each way
      out.push(bytes);
      return;
    }
    const text = bytes.toString('utf8').trim();
    if (text.length > 0) out.push(text);
  }
}
