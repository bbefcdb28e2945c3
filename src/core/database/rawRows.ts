import type { CoreConnection } from './connection';

/**
 * Called once per row with the packet's bytes, where each column's value lies
 * in them (`starts[i] < 0` for NULL) and where the whole row lies; valid only
 * during the call. Returns a function to pause the socket until it calls
 * `resume`, or nothing to go on.
 */
export type RawRowHandler = (
  buffer: Buffer, starts: Int32Array, ends: Int32Array, rowStart: number, rowEnd: number,
) => ((resume: () => void) => void) | undefined;

/** The parts of mysql2's internal Packet and Query this reader relies on. */
interface Packet {
  buffer: Buffer;
  offset: number;
  end: number;
  isEOF(): boolean;
}
type State = (packet: Packet, connection: unknown) => State | null;
interface QueryCommand {
  row: State;
  on(event: 'end', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}

const NULL_VALUE = 0xfb;

/**
 * Runs a query in the text protocol and hands each row's raw column bytes to
 * `onRow` straight from the packet, without the driver building a JavaScript
 * array of Buffers per row: for a backup that is most of the client's work.
 * Everything else (columns, end of rows, errors, multi-packet rows) stays the
 * driver's. Resolves with the number of rows.
 */
export function readRawRows(core: CoreConnection, sql: string, columns: number, onRow: RawRowHandler): Promise<number> {
  const starts = new Int32Array(columns);
  const ends = new Int32Array(columns);
  let rows = 0;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      core.removeListener('error', finish);
      if (error) reject(error);
      else resolve(rows);
    };
    // a query without a callback hears of a lost connection only through the connection's 'error'
    core.once('error', finish);
    const query = core.query({ sql, rowsAsArray: true, typeCast: false }) as unknown as QueryCommand;
    const driverRow = Object.getPrototypeOf(query).row as State;
    const row: State = function (this: QueryCommand, packet, connection) {
      if (packet.isEOF()) return driverRow.call(this, packet, connection);
      const buffer = packet.buffer;
      const rowStart = packet.offset;
      let offset = rowStart;
      for (let i = 0; i < columns; i++) {
        const tag = buffer[offset];
        if (tag === NULL_VALUE) {
          starts[i] = -1;
          offset++;
          continue;
        }
        let length: number;
        if (tag < NULL_VALUE) {
          length = tag;
          offset += 1;
        } else if (tag === 0xfc) {
          length = buffer.readUInt16LE(offset + 1);
          offset += 3;
        } else if (tag === 0xfd) {
          length = buffer.readUIntLE(offset + 1, 3);
          offset += 4;
        } else {
          length = buffer.readUInt32LE(offset + 1) + buffer.readUInt32LE(offset + 5) * 2 ** 32;
          offset += 9;
        }
        starts[i] = offset;
        offset += length;
        ends[i] = offset;
      }
      if (offset !== packet.end) {
        finish(new Error(`a row of ${columns} columns did not fill its packet (${offset} of ${packet.end} bytes)`));
        return null;
      }
      rows++;
      let wait: ReturnType<RawRowHandler>;
      try {
        wait = onRow(buffer, starts, ends, rowStart, offset);
      } catch (error) {
        // the caller destroys the connection on failure: the rest of the result set is never read
        finish(error);
        return null;
      }
      if (wait) {
        core.pause();
        wait(() => core.resume());
      }
      return row;
    };
    // mysql2 moves to `this.row` once the column definitions are read: from then on rows come here
    query.row = row;
    query.on('error', finish);
    query.on('end', () => finish());
  });
}
