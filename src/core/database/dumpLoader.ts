import fs from 'node:fs';
import zlib from 'node:zlib';
import { CancelledError } from '../common/errors';
import type { Connection } from './connection';
import { BackupCorruptError } from './errors';
import type { TableSummary } from './dumpWriter';
import type { DumpPart } from './manifest';
import { readTables } from './schema';
import { StatementSplitter } from './statementSplitter';
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
const OBJECT = /^(SET\s+SESSION\s+SQL_MODE\s*=|DROP\s+(VIEW|TRIGGER|PROCEDURE|FUNCTION|EVENT)\s|CREATE\s+(OR\s+REPLACE\s+)?(ALGORITHM|DEFINER|SQL\s+SECURITY|VIEW|TRIGGER|PROCEDURE|FUNCTION|EVENT|AGGREGATE)\b)/i;

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

  async run(statement: string): Promise<void> {
    this.check();
    if (INSERT.test(statement) && this.connections.length > 1) {
      const connection = await this.takeIdle();
      const task = connection.query(statement).then(() => undefined, (error: unknown) => { this.failure ??= error; });
      const tracked = task.finally(() => {
        this.running.delete(tracked);
        this.idle.push(connection);
        this.waiters.shift()?.();
      });
      this.running.add(tracked);
      return;
    }
    await this.drain();
    if (SESSION_SET.test(statement)) await Promise.all(this.connections.map((c) => c.query(statement)));
    else await this.connections[0].query(statement);
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

/** Reads a gzip dump (or one member of it) and yields its statements; refuses a damaged or truncated one. */
async function* statementsOf(file: string, onBytes: (bytes: number) => void, range?: DumpPart): AsyncGenerator<string> {
  const source = fs.createReadStream(file, {
    highWaterMark: 256 * 1024,
    ...(range ? { start: range.offset, end: range.offset + range.bytes - 1 } : {}),
  });
  const gunzip = zlib.createGunzip();
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  const splitter = new StatementSplitter();
  let reported = 0;
  try {
    for await (const chunk of gunzip) {
      onBytes(source.bytesRead - reported);
      reported = source.bytesRead;
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
  yield* splitter.end();
}

/**
 * Loads a gzip dump into the database the connections use, streaming: the
 * file is read as fast as the server takes statements. A dump that does not
 * end between statements is refused as truncated.
 */
export async function loadDump(
  file: string,
  connections: readonly Connection[],
  signal: AbortSignal,
  onProgress: (progress: LoadProgress) => void = () => {},
): Promise<LoadResult> {
  const runner = new ParallelRunner(connections);
  const progress: LoadProgress = { bytesRead: 0, totalBytes: fs.statSync(file).size, tablesCreated: 0, statements: 0 };
  const objectStatements: string[] = [];
  const report = throttled(() => onProgress({ ...progress }));
  for await (const statement of statementsOf(file, (bytes) => { progress.bytesRead += bytes; report(); })) {
    if (signal.aborted) throw new CancelledError();
    if (OBJECT.test(statement)) objectStatements.push(statement);
    if (CREATE_TABLE.test(statement)) progress.tablesCreated++;
    await runner.run(statement);
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

/**
 * Loads a dump whose manifest says where each table's gzip member starts:
 * the tables load in parallel, each from its own member on its own connection,
 * in one transaction (MariaDB then fills an empty table in bulk, sorting its
 * indexes instead of inserting row by row), and each table's checksum is taken
 * as soon as it is in, while the others still load.
 */
export async function loadDumpByParts(
  file: string,
  parts: readonly DumpPart[],
  connections: readonly Connection[],
  database: string,
  signal: AbortSignal,
  onProgress: (progress: LoadProgress) => void = () => {},
): Promise<LoadResult & { tables: TableSummary[] }> {
  const progress: LoadProgress = { bytesRead: 0, totalBytes: fs.statSync(file).size, tablesCreated: 0, statements: 0 };
  const report = throttled(() => onProgress({ ...progress }));
  const onBytes = (bytes: number) => { progress.bytesRead += bytes; report(); };
  const collect = async (part: DumpPart) => {
    const statements: string[] = [];
    for await (const statement of statementsOf(file, onBytes, part)) statements.push(statement);
    return statements;
  };
  const [header, ...rest] = parts;
  const objects = rest.pop();
  if (!header || !objects || rest.some((p) => p.table === undefined)) {
    throw new BackupCorruptError(`The manifest's index of ${file} is not header, tables, objects; it was not restored.`);
  }
  const headerStatements = await collect(header);
  for (const connection of connections) for (const statement of headerStatements) await connection.query(statement);

  const queue = [...rest].sort((a, b) => b.bytes - a.bytes);
  const tables: TableSummary[] = [];
  await Promise.all(connections.map(async (connection) => {
    for (let part = queue.shift(); part; part = queue.shift()) {
      let inTransaction = false;
      for await (const statement of statementsOf(file, onBytes, part)) {
        if (signal.aborted) throw new CancelledError();
        if (CREATE_TABLE.test(statement)) progress.tablesCreated++;
        if (!inTransaction && INSERT.test(statement)) {
          await connection.query('START TRANSACTION');
          inTransaction = true;
        }
        await connection.query(statement);
        progress.statements++;
      }
      if (inTransaction) await connection.query('COMMIT');
      const [info] = await readTables(connection, database, part.table);
      if (!info) throw new BackupCorruptError(`The dump's part for table ${part.table} did not create it; the backup was not restored.`);
      tables.push({ name: info.name, ...await streamTableRows(connection, info) });
    }
  }));

  const objectStatements: string[] = [];
  for (const statement of await collect(objects)) {
    if (OBJECT.test(statement)) objectStatements.push(statement);
    await connections[0].query(statement);
    progress.statements++;
  }
  onProgress({ ...progress, bytesRead: progress.totalBytes });
  tables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { statements: progress.statements, objectStatements, tables };
}
