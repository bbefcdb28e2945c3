import type { Writable } from 'node:stream';
import { coreOf, type Connection } from './connection';
import { ContentChecksum } from './contentChecksum';
import { insertPrefix } from './dumpFormat';
import { quoteIdentifier } from './sqlText';
import type { TableInfo } from './schema';
import { SqlBuffer } from './valueEncoding';

export interface TableRowsResult {
  rows: number;
  checksum: string;
}

export interface TableRowsOptions {
  /** Where INSERT statements go; without it rows are only counted and checksummed. */
  output?: Writable;
  /** A statement is closed once it holds this many bytes (a single larger row makes its own statement). */
  maxStatementBytes?: number;
  /** Called after each flushed statement with rows and SQL bytes added since the last call. */
  onProgress?: (rows: number, bytes: number) => void;
}

const DEFAULT_STATEMENT_BYTES = 1 << 20;

/** The SELECT that reads a table's value columns; FLOAT is widened to DOUBLE so no digit is lost in the text protocol. */
export function selectValues(table: TableInfo): string {
  const list = table.columns.map((c) => (c.kind === 'float' ? `CAST(${quoteIdentifier(c.name)} AS DOUBLE)` : quoteIdentifier(c.name)));
  return `SELECT ${list.join(',')} FROM ${quoteIdentifier(table.name)}`;
}

/**
 * Streams every row of a table from the server as raw bytes (no JavaScript
 * numbers or dates, so nothing is rounded), encodes each as an SQL tuple,
 * adds it to the content checksum and, with an output, writes multi-row
 * INSERTs of bounded size. The socket is paused while the output is full, so
 * memory stays bounded whatever the table or row size.
 */
export function streamTableRows(connection: Connection, table: TableInfo, options: TableRowsOptions = {}): Promise<TableRowsResult> {
  const { output, onProgress } = options;
  const maxStatement = options.maxStatementBytes ?? DEFAULT_STATEMENT_BYTES;
  const core = coreOf(connection);
  const kinds = table.columns.map((c) => c.kind);
  const width = kinds.length;
  const prefix = Buffer.from(insertPrefix(table.name, table.columns.map((c) => c.name)), 'utf8');
  const sql = new SqlBuffer(Math.max(64 * 1024, Math.min(maxStatement * 2, 4 << 20)));
  const checksum = new ContentChecksum();
  let rowsInStatement = 0;
  let rowsSinceReport = 0;

  const flush = (last: boolean): boolean => {
    let writable = true;
    if (output && rowsInStatement > 0) {
      sql.ascii(';\n');
      if (last) sql.byte(0x0a);
      writable = output.write(Buffer.from(sql.view()));
    }
    onProgress?.(rowsSinceReport, sql.length);
    rowsSinceReport = 0;
    rowsInStatement = 0;
    sql.clear();
    sql.shrink(8 << 20);
    return writable;
  };

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      core.removeListener('error', onConnectionError);
      reject(error);
    };
    // a query without a callback hears of a lost connection only through the connection's 'error'
    const onConnectionError = (error: unknown) => fail(error);
    core.once('error', onConnectionError);
    const query = core.query({ sql: selectValues(table), rowsAsArray: true, typeCast: false });
    query.on('result', (row: unknown) => {
      const values = row as (Buffer | null)[];
      if (output) {
        if (rowsInStatement === 0) sql.bytes(prefix);
        else sql.ascii(',\n');
      }
      const start = sql.length;
      sql.byte(0x28);
      for (let i = 0; i < width; i++) {
        if (i > 0) sql.byte(0x2c);
        sql.value(values[i], kinds[i]);
      }
      sql.byte(0x29);
      checksum.addRow(sql.buffer, start, sql.length);
      rowsInStatement++;
      rowsSinceReport++;
      if (!output) {
        // only the checksum is wanted: the tuple is no longer needed
        sql.length = 0;
        if (rowsSinceReport >= 10_000) { onProgress?.(rowsSinceReport, 0); rowsSinceReport = 0; }
      } else if (sql.length >= maxStatement && !flush(false)) {
        core.pause();
        output.once('drain', () => core.resume());
      }
    });
    query.on('error', fail);
    query.on('end', () => {
      if (settled) return;
      flush(true);
      settled = true;
      core.removeListener('error', onConnectionError);
      resolve({ rows: checksum.rows, checksum: checksum.hex() });
    });
  });
}
