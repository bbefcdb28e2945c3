import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { DatabaseCredentials } from '../config/credentials';
import { CancelledError } from '../common/errors';
import { abortWith, closeQuietly, describeServer, destroyQuietly, openConnection, rowsOf, safeMessage, type Connection } from './connection';
import { dumpFooter, dumpHeader, objectsSection, sequencesRelative, sequencesSection, tableSchema } from './dumpFormat';
import { DatabaseError } from './errors';
import { quoteIdentifier } from './sqlText';
import { readSchemaObjects, readSequences, readTables, showCreateTable, type SchemaObject, type TableInfo } from './schema';
import { streamTableRows } from './tableRows';
import { assertSupportedServer } from './serverSupport';
import { missingFromBackup, readInventory, type InventoryEntry } from './inventory';

export interface TableSummary {
  name: string;
  rows: number;
  /** ContentChecksum of the table's values: the same after a restore. */
  checksum: string;
}

export interface DumpProgress {
  tablesDone: number;
  tablesTotal: number;
  rows: number;
  /** Uncompressed SQL bytes written so far. */
  bytes: number;
  /** The server's estimate of all rows, for a fraction. */
  estimatedRows: number;
}

export interface DumpOptions {
  /** Tables dumped at once, each on its own connection, all in one consistent snapshot (default 2). */
  parallel?: number;
  /** gzip level: 1 (default) keeps compression from being the slowest part. */
  compressionLevel?: number;
  maxStatementBytes?: number;
  /** A table's SQL is cut into gzip members of about this many bytes (default 8 MB), for a restore to load on several connections. */
  chunkBytes?: number;
  onProgress?: (progress: DumpProgress) => void;
  /** A sentence for people when the dump does something other than asked (one connection instead of several). */
  onNote?: (message: string) => void;
  /**
   * Dump the database as a restore's swap left it aside: its tables from the
   * holding database they were moved into, its views, routines, triggers and
   * events as read from it just before the swap. The dump names the database
   * itself, so it restores like any backup of it.
   */
  movedAside?: { holdingDatabase: string; objects: readonly SchemaObject[] };
}

export interface DumpResult {
  /** gzip parts by name, in order; concatenated they are one valid gzip stream of the whole dump. `table` for a table's parts (one or more). */
  parts: { name: string; table?: string }[];
  tables: TableSummary[];
  serverVersion: string;
  objects: { type: string; name: string }[];
  /** Sequences and where each stood in the snapshot. */
  sequences: { name: string; next: string; round: string }[];
}

const DEFAULT_CHUNK_BYTES = 8 << 20;

/** Where each named gzip part of a dump is written: a file in a folder, or an upload to a backup volume. */
export type PartSink = (name: string) => Writable;

/** Parts as files in `folder`. */
export function folderSink(folder: string): PartSink {
  return (name) => fs.createWriteStream(path.join(folder, name));
}

/**
 * Where a stretch of the dump goes: gzip part files of about `chunkBytes` of SQL
 * each, cut only between statements (every `write` is whole statements).
 * Looks like a Writable to the row streamer: `write` says when to wait for
 * 'drain'.
 */
class PartsWriter {
  readonly files: string[] = [];
  private current?: zlib.Gzip;
  private bytesInCurrent = 0;
  private readonly finished: Promise<void>[] = [];

  constructor(
    private readonly nameFor: (chunk: number) => string,
    private readonly sink: PartSink,
    private readonly level: number,
    private readonly onBroken: (error: unknown) => void,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {}

  write(chunk: Buffer | string): boolean {
    if (!this.current || this.bytesInCurrent >= this.chunkBytes) this.startPart();
    this.bytesInCurrent += chunk.length;
    return this.current!.write(chunk);
  }

  once(event: 'drain', listener: () => void): void {
    this.current?.once(event, listener);
  }

  private startPart(): void {
    this.current?.end();
    const file = this.nameFor(this.files.length);
    const gzip = zlib.createGzip({ level: this.level });
    const done = pipeline(gzip, this.sink(file));
    done.catch(this.onBroken);
    this.finished.push(done);
    this.files.push(file);
    this.current = gzip;
    this.bytesInCurrent = 0;
  }

  /** Ends the last part and waits until every part is on disk. */
  async close(): Promise<void> {
    if (!this.current) this.startPart();
    this.current!.end();
    await Promise.all(this.finished);
  }

  destroy(): void {
    this.current?.destroy();
    for (const done of this.finished) done.catch(() => undefined);
  }
}

async function startSnapshot(connection: Connection): Promise<void> {
  await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
}

/**
 * How long the parallel dump's LOCK TABLES may wait behind an open write
 * transaction. While it waits, every new write to those tables queues behind
 * it, so on a busy production database it must give up quickly rather than
 * stall the application.
 */
const SNAPSHOT_LOCK_WAIT_SECONDS = 3;

/** MariaDB's ER_LOCK_WAIT_TIMEOUT: a lock was not granted within lock_wait_timeout. */
const LOCK_WAIT_TIMEOUT = 1205;

/** MariaDB's ER_TABLE_DEF_CHANGED: a table was created or rebuilt after the snapshot began. */
const TABLE_DEFINITION_CHANGED = 1412;

function serverErrorIs(error: unknown, errno: number): boolean {
  return (error as { errno?: unknown } | undefined)?.errno === errno;
}

/**
 * Opens `count` connections whose snapshots all see the same data. One
 * connection needs nothing more. Several start their snapshots while another
 * connection holds `LOCK TABLES … READ` on every table of the database: no
 * write can commit meanwhile, so the snapshots are identical. (FLUSH TABLES
 * WITH READ LOCK would do too, but needs the global RELOAD privilege the
 * application user does not have; LOCK TABLES needs only rights on the database.)
 * When the lock is denied or not granted within a few seconds, one connection
 * dumps everything: slower, but consistent and without holding up writes.
 */
async function openSnapshots(
  credentials: DatabaseCredentials,
  tables: readonly TableInfo[],
  count: number,
  opened: Connection[],
  onNote: (message: string) => void,
): Promise<Connection[]> {
  const workers: Connection[] = [];
  for (let i = 0; i < count; i++) {
    const connection = await openConnection(credentials);
    opened.push(connection);
    workers.push(connection);
  }
  if (count === 1) {
    await startSnapshot(workers[0]);
    return workers;
  }
  const locker = await openConnection(credentials);
  opened.push(locker);
  await locker.query(`SET SESSION lock_wait_timeout = ${SNAPSHOT_LOCK_WAIT_SECONDS}`);
  try {
    await locker.query(`LOCK TABLES ${tables.map((t) => `${quoteIdentifier(t.name)} READ`).join(', ')}`);
  } catch (error) {
    // without the lock the snapshots could differ: one connection it is
    const busy = serverErrorIs(error, LOCK_WAIT_TIMEOUT);
    if (!busy && !/denied/i.test(safeMessage(error))) throw error;
    if (busy) {
      onNote(`An open transaction kept the tables of ${credentials.database} busy for ${SNAPSHOT_LOCK_WAIT_SECONDS} s; dumping on one connection instead of ${count}, so writes to it are not held up.`);
    }
    await closeQuietly(locker);
    for (const extra of workers.slice(1)) await closeQuietly(extra);
    await startSnapshot(workers[0]);
    return [workers[0]];
  }
  try {
    await Promise.all(workers.map(startSnapshot));
  } finally {
    await locker.query('UNLOCK TABLES');
    await closeQuietly(locker);
  }
  return workers;
}

/**
 * Dumps one database into gzip part files in `partsDir`: a header, each
 * table's parts (CREATE TABLE + INSERTs, cut every `chunkBytes`), then
 * routines, views, triggers, events and the footer. Tables run in parallel on separate connections of one
 * consistent snapshot; concatenating the parts gives the dump.
 */
export async function writeDump(
  credentials: DatabaseCredentials,
  parts: string | PartSink,
  signal: AbortSignal,
  options: DumpOptions = {},
): Promise<DumpResult> {
  const level = options.compressionLevel ?? 1;
  // tables are read where they are; names in the dump stay the database's own
  const source = options.movedAside?.holdingDatabase ?? credentials.database;
  const reader: DatabaseCredentials = { ...credentials, database: source };
  const opened: Connection[] = [];
  const stopAbort = abortWith(signal, () => opened);
  try {
    const first = await openConnection(reader);
    opened.push(first);
    const [{ version, maxPacket }] = await rowsOf<{ version: string; maxPacket: string }>(first, 'SELECT VERSION() AS version, @@GLOBAL.max_allowed_packet AS maxPacket');
    assertSupportedServer(version, describeServer(credentials));
    const listed = await readTables(first, source);
    const parallel = Math.max(1, Math.min(options.parallel ?? 2, listed.length || 1));
    await closeQuietly(first);
    const workers = await openSnapshots(reader, listed, parallel, opened, options.onNote ?? (() => undefined));
    // a table created since the first list was read is in the snapshot: the list read inside it has it too
    const tables = await readTables(workers[0], source);
    const objects = options.movedAside?.objects ?? await readSchemaObjects(workers[0], credentials.database);
    const sequences = await readSequences(workers[0], source);
    const written: InventoryEntry[] = [
      ...tables.map((t) => `TABLE ${t.name}` as const), ...sequences.map((q) => `SEQUENCE ${q.name}` as const), ...objects.map((o) => `${o.type} ${o.name}` as const),
    ];
    const missing = missingFromBackup(await readInventory(workers[0], source), written);
    if (missing.length > 0) {
      throw new DatabaseError(`Backup of ${credentials.database} on ${describeServer(credentials)} failed: the database holds ${missing.join(', ')}, which the backup would not write; no backup was kept.`);
    }

    const sink = typeof parts === 'string' ? folderSink(parts) : parts;
    const partOf = (index: number, chunk = 0) => `${String(index).padStart(6, '0')}-${String(chunk).padStart(6, '0')}.sql.gz`;
    const tableParts: string[][] = new Array(tables.length);
    const header = dumpHeader({ database: credentials.database, serverVersion: version, createdAt: new Date().toISOString(), history: tables.some((t) => t.history) });
    const writeWhole = async (file: string, text: string) => {
      const out = new PartsWriter(() => file, sink, level, () => undefined);
      out.write(text);
      await out.close();
    };
    await writeWhole(partOf(0), header + sequencesSection(sequences));

    const progress: DumpProgress = { tablesDone: 0, tablesTotal: tables.length, rows: 0, bytes: 0, estimatedRows: tables.reduce((n, t) => n + t.estimatedRows, 0) };
    const report = () => options.onProgress?.({ ...progress });
    const summaries: TableSummary[] = new Array(tables.length);
    // biggest tables first, so the parallel connections finish close together
    const items = tables.map((table, index) => ({ table, index })).sort((a, b) => b.table.estimatedBytes - a.table.estimatedBytes);
    // the lock held only the listed tables still while the snapshots opened; a newer one may differ between them, so one snapshot dumps all such
    const locked = new Set(listed.map((t) => t.name));
    const unlocked = items.filter(({ table }) => workers.length > 1 && !locked.has(table.name));
    const queue = items.filter((item) => !unlocked.includes(item));
    const next = (connection: Connection) => (connection === workers[0] ? unlocked.shift() : undefined) ?? queue.shift();
    const work = async (connection: Connection) => {
      for (let item = next(connection); item; item = next(connection)) {
        const { table, index } = item;
        if (signal.aborted) throw new CancelledError();
        const create = await showCreateTable(connection, table.name);
        // an output that breaks (a full disk, an upload cut) fails the table at once: a row reader
        // paused for 'drain' would otherwise wait for it forever
        let outputBroke: (error: unknown) => void = () => undefined;
        const broken = new Promise<never>((_resolve, reject) => { outputBroke = reject; });
        broken.catch(() => undefined);
        const out = new PartsWriter((chunk) => partOf(index + 1, chunk), sink, level, (error) => { destroyQuietly(connection); outputBroke(error); }, options.chunkBytes);
        tableParts[index] = out.files;
        try {
          out.write(tableSchema(table.name, sequencesRelative(create, credentials.database)));
          const result = await Promise.race([broken, streamTableRows(connection, table, {
            output: out,
            maxStatementBytes: options.maxStatementBytes,
            maxRowStatementBytes: Number(maxPacket),
            signal,
            onProgress: (rows, bytes) => { progress.rows += rows; progress.bytes += bytes; report(); },
          })]);
          summaries[index] = { name: table.name, ...result };
          await out.close();
        } catch (error) {
          out.destroy();
          throw error;
        }
        progress.tablesDone++;
        report();
      }
    };
    await Promise.all(workers.map(work));
    const last = partOf(tables.length + 1);
    await writeWhole(last, objectsSection(objects) + dumpFooter());
    for (const worker of workers) await worker.query('ROLLBACK');
    return {
      parts: [{ name: partOf(0) }, ...tables.flatMap((t, i) => tableParts[i].map((name) => ({ name, table: t.name }))), { name: last }],
      tables: summaries,
      serverVersion: version,
      objects: objects.map((o) => ({ type: o.type, name: o.name })),
      sequences: sequences.map(({ name, next, round }) => ({ name, next, round })),
    };
  } catch (error) {
    if (signal.aborted) throw new CancelledError('Backup cancelled; no backup was kept.');
    if (error instanceof CancelledError || error instanceof DatabaseError) throw error;
    if (serverErrorIs(error, TABLE_DEFINITION_CHANGED)) {
      throw new DatabaseError(`Backup of ${credentials.database} on ${describeServer(credentials)} failed: a table was created or altered while the backup read the database; run the backup again once no migration is running.`, { cause: error });
    }
    throw new DatabaseError(`Backup of ${credentials.database} on ${describeServer(credentials)} failed: ${safeMessage(error, credentials)}.`, { cause: error });
  } finally {
    stopAbort();
    for (const connection of opened) destroyQuietly(connection);
  }
}
