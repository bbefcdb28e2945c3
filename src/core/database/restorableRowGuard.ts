import { isUtf8 } from 'node:buffer';
import type { TableInfo } from './schema';

/**
 * Refuses, while a dump is written, a row that would verify but could never
 * be loaded back: a value whose bytes are not valid in its utf8mb4/utf8mb3
 * column (the server would cut or replace it), or a row whose INSERT alone is
 * larger than the server's max_allowed_packet. The message names the table,
 * the column and the row's key, never the value.
 */
export class RestorableRowGuard {
  private readonly utf8Columns: boolean[];
  private readonly keyColumns: number[];

  constructor(
    private readonly table: TableInfo,
    /** The largest statement the server takes; undefined: no limit checked. */
    private readonly maxStatementBytes: number | undefined,
    /** What a statement holds beside one row's tuple: `INSERT INTO … VALUES` and `;`. */
    private readonly statementOverhead: number,
  ) {
    this.utf8Columns = table.columns.map((c) => Boolean(c.utf8));
    this.keyColumns = table.primaryKey.map((name) => table.columns.findIndex((c) => c.name === name)).filter((i) => i >= 0);
  }

  /** Column `i`'s value, known to hold a byte above 0x7f (plain ASCII is valid UTF-8, so only such values are checked). */
  checkNonAscii(i: number, buffer: Buffer, starts: Int32Array, ends: Int32Array): void {
    if (this.utf8Columns[i] && !isUtf8(buffer.subarray(starts[i], ends[i]))) {
      throw new Error(`table ${this.table.name}, column ${this.table.columns[i].name}: ${this.rowKey(buffer, starts, ends)} holds bytes that are not valid in the column's character set, which no restore could load back; correct the value and back up again`);
    }
  }

  checkSize(tupleBytes: number, buffer: Buffer, starts: Int32Array, ends: Int32Array): void {
    if (this.maxStatementBytes === undefined || tupleBytes + this.statementOverhead <= this.maxStatementBytes) return;
    throw new Error(`table ${this.table.name}: ${this.rowKey(buffer, starts, ends)} takes ${tupleBytes} bytes of SQL (binary is written as hex), more than the server's max_allowed_packet of ${this.maxStatementBytes} bytes, so no restore could load it back; raise max_allowed_packet on the server and back up again`);
  }

  /** `the row with id = 7`: where the row is, never what else it holds. */
  private rowKey(buffer: Buffer, starts: Int32Array, ends: Int32Array): string {
    if (this.keyColumns.length === 0) return 'a row of a table without a primary key';
    const shown = (i: number) => (starts[i] < 0 ? 'NULL' : buffer.toString('utf8', starts[i], Math.min(ends[i], starts[i] + 64)));
    return `the row with ${this.keyColumns.map((i) => `${this.table.columns[i].name} = ${shown(i)}`).join(', ')}`;
  }
}
