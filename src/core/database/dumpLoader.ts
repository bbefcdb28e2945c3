import fs from 'node:fs';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { CancelledError } from '../common/errors';
import type { Connection } from './connection';
import { BackupCorruptError } from './errors';
import type { TableSummary } from './dumpWriter';
import { addKeysStatement, deferSecondaryKeys } from './deferredKeys';
import { DUMP_END_MARKER } from './dumpFormat';
import type { DumpPart } from './manifest';
import { readTables } from './schema';
import { quoteIdentifier } from './sqlText';
import { queryBytes } from './rawQuery';
import { StatementSplitter, type Statement } from './statementSplitter';
import { createObject } from './createObject';
import { streamTableRows } from './tableRows';

export interface LoadProgress {
  /** Compressed bytes of the dump read so far, of `totalBytes`. */
  bytesRead: number;
  totalBytes: number;
  tablesCreated: number;
  statements: number;
}

export interface LoadResult {
  statements: number;
  /** Routines, views, triggers and events with the SQL-mode statements around them, to create them again elsewhere. */
  objectStatements: string[];
}

const INSERT = /^INSERT\s/i;
const SESSION_SET = /^(SET\s|\/\*!\d+\s+SET\s)/i;
const CREATE_TABLE = /^CREATE\s+TABLE\s/i;
const CREATE_OBJECT = /^CREATE\s+(OR\s+REPLACE\s+)?(ALGORITHM|DEFINER|SQL\s+SECURITY|VIEW|TRIGGER|PROCEDURE|FUNCTION|PACKAGE|EVENT|AGGREGATE)\b/i;
const OBJECT = new RegExp(`^(SET\\s+SESSION\\s+(SQL_MODE|TIME_ZONE)\\s*=|DROP\\s+(VIEW|TRIGGER|PROCEDURE|FUNCTION|PACKAGE|EVENT)\\s|${CREATE_OBJECT.source.slice(1)})`, 'i');

/** Collected for the target, never run in the scratch database: an enabled event would fire there. */
const CREATE_EVENT = /^CREATE\s+(DEFINER\s*=\s*\S+\s+)?EVENT\s/i;

/**
 * A view, routine or trigger goes into the scratch database too, so a
 * statement the server refuses fails the restore before the swap; an event
 * waits for the target.
 */
async function runObject(connection: Connection, statement: string): Promise<void> {
  if (!CREATE_EVENT.test(statement)) await createObject(connection, statement);
}

const DEADLOCK = 1213;
const DEADLOCK_RETRIES = 5;

/**
 * Runs a statement from the dump; an INSERT of Dual Env's own dump goes as the
 * bytes it was read as. Connections loading one table side by side can
 * deadlock on a unique index's gap locks; InnoDB then rolls the (autocommitted)
 * statement back whole, so running it again is safe.
 */
export async function runStatement(connection: Connection, statement: Statement): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (typeof statement === 'string' ? connection.query(statement) : queryBytes(connection, statement));
    } catch (error) {
      if ((error as { errno?: number }).errno !== DEADLOCK || !statementIs(INSERT, statement) || attempt >= DEADLOCK_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

/** Whether a statement of the dump matches `pattern` (an own INSERT as bytes is an INSERT and nothing else). */
function statementIs(pattern: RegExp, statement: Statement): boolean {
  return typeof statement === 'string' ? pattern.test(statement) : pattern === INSERT;
}

/** A statement that is not spread over connections: session settings go to every one, anything else to the first. */
async function runInOrder(connections: readonly Connection[], statement: Statement): Promise<void> {
  if (statementIs(SESSION_SET, statement)) await Promise.all(connections.map((connection) => runStatement(connection, statement)));
  else await runStatement(connections[0], statement);
}

/**
 * Runs a dump's statements on a set of connections to one database: INSERTs
 * go to whichever connection is free (rows of a table carry their own keys,
 * and the dump turns key checks off), session settings go to every connection,
 * everything else waits for the running INSERTs and runs on the first one, in
 * order.
 */
class ParallelRunner {
  private readonly idle: Connection[];
  private readonly running = new Set<Promise<void>>();
  private failure: unknown;
  private waiters: (() => void)[] = [];

  constructor(private readonly connections: readonly Connection[]) {
    this.idle = [...connections];
  }

  async run(statement: Statement): Promise<void> {
    this.check();
    if (statementIs(INSERT, statement) && this.connections.length > 1) {
      const connection = await this.takeIdle();
      const task = runStatement(connection, statement).then(() => undefined, (error: unknown) => { this.failure ??= error; });
      const tracked = task.finally(() => {
        this.running.delete(tracked);
        this.idle.push(connection);
        this.waiters.shift()?.();
      });
      this.running.add(tracked);
      return;
    }
    await this.drain();
    await runInOrder(this.connections, statement);
  }

  async drain(): Promise<void> {
    await Promise.all(this.running);
    this.check();
  }

  private async takeIdle(): Promise<Connection> {
    while (this.idle.length === 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.check();
    return this.idle.shift() as Connection;
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}

/**
 * Where a dump's bytes come from: a file on this machine, or a backup volume on a
 * remote engine read through a helper container. `open` reads all of it or one
 * gzip member (a byte range).
 */
export interface DumpSource {
  /** Names the dump in messages. */
  label: string;
  bytes: number;
  open(range?: { offset: number; bytes: number }): Readable;
}

export function fileDumpSource(file: string): DumpSource {
  return {
    label: file,
    bytes: fs.statSync(file).size,
    open: (range) => fs.createReadStream(file, {
      highWaterMark: 256 * 1024,
      ...(range ? { start: range.offset, end: range.offset + range.bytes - 1 } : {}),
    }),
  };
}

function sourceOf(dump: string | DumpSource): DumpSource {
  return typeof dump === 'string' ? fileDumpSource(dump) : dump;
}

/**
 * Reads a gzip dump (or one member of it) and yields its statements; refuses a
 * damaged or truncated one. `endsDump`: this is the dump's last stretch, which
 * must end with the writer's end marker.
 */
async function* statementsOf(dump: DumpSource, onBytes: (bytes: number) => void, range?: DumpPart, endsDump = !range): AsyncGenerator<Statement> {
  const file = dump.label;
  const source = dump.open(range);
  const gunzip = zlib.createGunzip();
  let bytesRead = 0;
  source.on('data', (chunk: Buffer) => { bytesRead += chunk.length; });
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  const splitter = new StatementSplitter({ ownDump: true });
  let reported = 0;
  let tail = '';
  try {
    for await (const chunk of gunzip) {
      onBytes(bytesRead - reported);
      reported = bytesRead;
      if (endsDump) tail = (tail + (chunk as Buffer).toString('latin1', Math.max(0, (chunk as Buffer).length - 64))).slice(-64);
      yield* splitter.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof Error && String((error as NodeJS.ErrnoException).code ?? '').startsWith('Z_')) {
      throw new BackupCorruptError(`The dump ${file} is not a valid gzip file (${error.message}); it was not restored.`, { cause: error });
    }
    throw error;
  } finally {
    gunzip.destroy();
    source.destroy();
  }
  if (!splitter.atStatementBoundary) {
    throw new BackupCorruptError(`The dump ${file} ends in the middle of a statement; it is truncated and was not restored.`);
  }
  if (endsDump && !tail.includes(DUMP_END_MARKER)) {
    throw new BackupCorruptError(`The dump ${file} does not end with the end marker; it is truncated and was not restored.`);
  }
  yield* splitter.end();
}

/**
 * Loads a gzip dump into the database the connections use, streaming: the
 * file is read as fast as the server takes statements. A dump that does not
 * end between statements is refused as truncated.
 */
export async function loadDump(
  dump: string | DumpSource,
  connections: readonly Connection[],
  signal: AbortSignal,
  onProgress: (progress: LoadProgress) => void = () => {},
): Promise<LoadResult> {
  const runner = new ParallelRunner(connections);
  const file = sourceOf(dump);
  const progress: LoadProgress = { bytesRead: 0, totalBytes: file.bytes, tablesCreated: 0, statements: 0 };
  const objectStatements: string[] = [];
  const report = throttled(() => onProgress({ ...progress }));
  for await (const statement of statementsOf(file, (bytes) => { progress.bytesRead += bytes; report(); })) {
    if (signal.aborted) throw new CancelledError();
    if (typeof statement === 'string' && OBJECT.test(statement)) objectStatements.push(statement);
    if (statementIs(CREATE_TABLE, statement)) progress.tablesCreated++;
    if (statementIs(CREATE_OBJECT, statement)) {
      await runner.drain();
      await runObject(connections[0], statement as string);
    } else {
      await runner.run(statement);
    }
    progress.statements++;
  }
  await runner.drain();
  onProgress({ ...progress, bytesRead: progress.totalBytes });
  return { statements: progress.statements, objectStatements };
}

function throttled(action: () => void, everyMs = 200): () => void {
  let last = 0;
  return () => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    action();
  };
}

/** One table's gzip members, the first holding its CREATE TABLE; the others load once that has run. */
interface TableWork {
  name: string;
  parts: DumpPart[];
  bytes: number;
  partsLeft: number;
  /** Secondary indexes left out of its CREATE TABLE, added once its rows are in. */
  deferredKeys: string[];
  created: Promise<void>;
  markCreated: (error?: unknown) => void;
}

function groupByTable(parts: readonly DumpPart[]): TableWork[] {
  const tables: TableWork[] = [];
  for (const part of parts) {
    let table = tables.at(-1);
    if (!table || table.name !== part.table) {
      let markCreated: TableWork['markCreated'] = () => {};
      const created = new Promise<void>((resolve, reject) => { markCreated = (error) => (error ? reject(error) : resolve()); });
      // a table whose first part failed is reported by that part's own error
      created.catch(() => undefined);
      table = { name: part.table!, parts: [], bytes: 0, partsLeft: 0, deferredKeys: [], created, markCreated };
      tables.push(table);
    }
    table.parts.push(part);
    table.bytes += part.bytes;
    table.partsLeft++;
  }
  return tables;
}

/**
 * Loads a dump whose manifest says where each gzip member starts: header,
 * each table's members, objects. The members load in parallel, biggest table
 * first, any connection taking the next member, so even one large table is
 * spread over all connections; each INSERT is autocommitted (measured on
 * MariaDB 10.11: wrapping a table's INSERTs in one transaction doubles the
 * server's CPU for the load). Plain secondary indexes are built once a
 * table's rows are in, then its checksum is taken, while the others still load.
 */
export async function loadDumpByParts(
  dump: string | DumpSource,
  parts: readonly DumpPart[],
  connections: readonly Connection[],
  database: string,
  checksumAlgorithm: string,
  signal: AbortSignal,
  onProgress: (progress: LoadProgress) => void = () => {},
): Promise<LoadResult & { tables: TableSummary[] }> {
  const file = sourceOf(dump);
  const progress: LoadProgress = { bytesRead: 0, totalBytes: file.bytes, tablesCreated: 0, statements: 0 };
  const report = throttled(() => onProgress({ ...progress }));
  const onBytes = (bytes: number) => { progress.bytesRead += bytes; report(); };
  const collect = async (part: DumpPart) => {
    const statements: Statement[] = [];
    for await (const statement of statementsOf(file, onBytes, part, part === parts.at(-1))) statements.push(statement);
    return statements;
  };
  const [header, ...rest] = parts;
  const objects = rest.pop();
  if (!header || !objects || rest.some((p) => p.table === undefined)) {
    throw new BackupCorruptError(`The manifest's index of ${file.label} is not header, tables, objects; it was not restored.`);
  }
  // session settings on every connection; the sequences the header creates, once
  for (const statement of await collect(header)) await runInOrder(connections, statement);

  const queue = groupByTable(rest)
    .sort((a, b) => b.bytes - a.bytes)
    .flatMap((table) => table.parts.map((part, index) => ({ table, part, first: index === 0 })));
  const tables: TableSummary[] = [];
  const loadPart = async (connection: Connection, { table, part, first }: (typeof queue)[number]) => {
    if (!first) await table.created;
    try {
      for await (const statement of statementsOf(file, onBytes, part)) {
        if (signal.aborted) throw new CancelledError();
        const creates = first && typeof statement === 'string' && CREATE_TABLE.test(statement);
        if (creates) {
          const deferred = deferSecondaryKeys(statement);
          table.deferredKeys = deferred.keys;
          await connection.query(deferred.create);
        } else {
          await runStatement(connection, statement);
        }
        progress.statements++;
        if (creates) {
          progress.tablesCreated++;
          table.markCreated();
        }
      }
    } catch (error) {
      if (first) table.markCreated(error);
      throw error;
    }
    // no CREATE TABLE in a first part: the other parts go ahead and fail on the missing table, or the check below does
    if (first) table.markCreated();
  };
  // biggest table first, on every connection: its index build and checksum then overlap the smaller tables' loading
  const finishTable = async (connection: Connection, table: TableWork) => {
    if (table.deferredKeys.length > 0) await connection.query(addKeysStatement(quoteIdentifier(table.name), table.deferredKeys));
    const [info] = await readTables(connection, database, table.name);
    if (!info) throw new BackupCorruptError(`The dump's part for table ${table.name} did not create it; the backup was not restored.`);
    tables.push({ name: info.name, ...await streamTableRows(connection, info, { checksumAlgorithm, signal }) });
  };
  await Promise.all(connections.map(async (connection) => {
    try {
      for (let work = queue.shift(); work; work = queue.shift()) {
        await loadPart(connection, work);
        if (--work.table.partsLeft === 0) await finishTable(connection, work.table);
      }
    } catch (error) {
      // the restore fails: the other connections take no further part
      queue.length = 0;
      throw error;
    }
  }));

  const objectStatements: string[] = [];
  for (const statement of await collect(objects)) {
    if (typeof statement === 'string' && OBJECT.test(statement)) objectStatements.push(statement);
    if (statementIs(CREATE_OBJECT, statement)) await runObject(connections[0], statement as string);
    else await runStatement(connections[0], statement);
    progress.statements++;
  }
  onProgress({ ...progress, bytesRead: progress.totalBytes });
  tables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { statements: progress.statements, objectStatements, tables };
}
