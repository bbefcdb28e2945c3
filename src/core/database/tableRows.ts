import { CancelledError } from '../common/errors';
import { coreOf, type Connection } from './connection';
import { CHECKSUM_ALGORITHM, OrderedChecksum, RowHashSum, checksumsInKeyOrder } from './contentChecksum';
import { insertPrefix } from './dumpFormat';
import { readRawRows } from './rawRows';
import { quoteIdentifier } from './sqlText';
import type { TableInfo } from './schema';
import { RestorableRowGuard } from './restorableRowGuard';
import { SqlBuffer } from './valueEncoding';

export interface TableRowsResult {
  rows: number;
  checksum: string;
}

/** Where INSERT statements go, a whole statement per write; a Writable is one. */
export interface StatementSink {
  /** False: wait for 'drain' before writing more. */
  write(chunk: Buffer | string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export interface TableRowsOptions {
  /** Where INSERT statements go; without it rows are only counted and checksummed. */
  output?: StatementSink;
  /** A statement is closed once it holds this many bytes (a single larger row makes its own statement). */
  maxStatementBytes?: number;
  /**
   * With an output: the largest statement the server takes (its max_allowed_packet).
   * A row whose INSERT alone would be larger fails the dump: no restore could load it.
   */
  maxRowStatementBytes?: number;
  /** Called after each flushed statement with rows and SQL bytes added since the last call. */
  onProgress?: (rows: number, bytes: number) => void;
  /** The manifest's checksum algorithm (default: the current one); a restore passes the backup's. */
  checksumAlgorithm?: string;
  /**
   * Stops the read at the next row once it fires. Destroying the connection is
   * not enough: mysql2 only half-closes the socket, and the server sends the
   * rest of the result set regardless.
   */
  signal?: AbortSignal;
}

const DEFAULT_STATEMENT_BYTES = 1 << 20;
const SEPARATOR = Buffer.from(',\n');
const TERMINATOR = Buffer.from(';\n');

/**
 * The SELECT that reads a table's value columns, in primary-key order when
 * the checksum needs it (InnoDB reads its clustered index in that order
 * anyway). FLOAT is widened to DOUBLE so no digit is lost in the text protocol.
 */
function selectValues(table: TableInfo, keyOrder = false): string {
  const list = table.columns.map((c) => (c.kind === 'float' ? `CAST(${quoteIdentifier(c.name)} AS DOUBLE)` : quoteIdentifier(c.name)));
  const order = keyOrder && table.primaryKey.length > 0 ? ` ORDER BY ${table.primaryKey.map(quoteIdentifier).join(',')}` : '';
  return `SELECT ${list.join(',')} FROM ${quoteIdentifier(table.name)}${table.history ? ' FOR SYSTEM_TIME ALL' : ''}${order}`;
}

/**
 * Streams every row of a table from the server as raw text-protocol bytes (no
 * JavaScript numbers or dates, so nothing is rounded), encodes each as an SQL
 * tuple, checksums it and, with an output, writes multi-row INSERTs of bounded
 * size. The socket is paused while the output is full, so memory stays
 * bounded whatever the table or row size.
 */
export async function streamTableRows(connection: Connection, table: TableInfo, options: TableRowsOptions = {}): Promise<TableRowsResult> {
  const { output, onProgress, signal } = options;
  const maxStatement = options.maxStatementBytes ?? DEFAULT_STATEMENT_BYTES;
  const core = coreOf(connection);
  const kinds = table.columns.map((c) => c.kind);
  const width = kinds.length;
  const prefix = output ? Buffer.from(insertPrefix(table.name, table.columns.map((c) => c.name)), 'utf8') : Buffer.alloc(0);
  const sql = new SqlBuffer(Math.max(64 * 1024, Math.min(maxStatement * 2, 4 << 20)));
  const keyOrder = checksumsInKeyOrder(options.checksumAlgorithm ?? CHECKSUM_ALGORITHM, table.primaryKey);
  const ordered = keyOrder ? new OrderedChecksum() : undefined;
  const summed = keyOrder ? undefined : new RowHashSum();
  let rowsInStatement = 0;
  let rowsSinceReport = 0;

  /** Ends the statement (or, without an output, the run of tuples) in the buffer; false when the output is full. */
  const flush = (): boolean => {
    let writable = true;
    if (rowsInStatement > 0) {
      if (output) {
        sql.bytes(TERMINATOR);
        writable = output.write(Buffer.from(sql.view()));
      }
    }
    onProgress?.(rowsSinceReport, output ? sql.length : 0);
    rowsSinceReport = 0;
    rowsInStatement = 0;
    sql.clear();
    sql.shrink(8 << 20);
    return writable;
  };

  // only a dump refuses what cannot be loaded back; a check of loaded rows counts what is there
  const guard = output ? new RestorableRowGuard(table, options.maxRowStatementBytes, prefix.length + TERMINATOR.length) : undefined;

  const rows = await readRawRows(core, selectValues(table, keyOrder), width, (buffer, starts, ends, rowStart, rowEnd) => {
    if (signal?.aborted) throw new CancelledError();
    if (ordered) {
      ordered.addRow(buffer, rowStart, rowEnd);
      // a table checked in key order needs no SQL unless the rows are being dumped
      if (!output) {
        if (++rowsSinceReport >= 10_000) { onProgress?.(rowsSinceReport, 0); rowsSinceReport = 0; }
        return undefined;
      }
    }
    if (rowsInStatement === 0) sql.bytes(prefix);
    else sql.bytes(SEPARATOR);
    const start = sql.length;
    sql.byte(0x28);
    for (let i = 0; i < width; i++) {
      if (i > 0) sql.byte(0x2c);
      if (sql.valueFrom(buffer, starts[i], ends[i], kinds[i])) guard?.checkNonAscii(i, buffer, starts, ends);
    }
    sql.byte(0x29);
    guard?.checkSize(sql.length - start, buffer, starts, ends);
    summed?.addRow(sql.buffer, start, sql.length);
    rowsInStatement++;
    rowsSinceReport++;
    if (sql.length < maxStatement || flush()) return undefined;
    // the output is full: the socket waits until it drains
    return (resume) => output!.once('drain', resume);
  });
  if (output && rowsInStatement > 0) {
    flush();
    output.write('\n');
  } else {
    flush();
  }
  const checksum = ordered ?? summed!;
  if (checksum.rows !== rows) throw new Error(`read ${rows} rows of ${table.name} but checksummed ${checksum.rows}`);
  return { rows, checksum: checksum.hex() };
}
