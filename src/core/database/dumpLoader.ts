import fs from 'node:fs';
import zlib from 'node:zlib';
import { CancelledError } from '../common/errors';
import type { Connection } from './connection';
import { BackupCorruptError } from './errors';
import { StatementSplitter } from './statementSplitter';

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
  const totalBytes = fs.statSync(file).size;
  const source = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  const gunzip = zlib.createGunzip();
  source.pipe(gunzip);
  source.on('error', (error) => gunzip.destroy(error));
  const splitter = new StatementSplitter();
  const runner = new ParallelRunner(connections);
  const progress: LoadProgress = { bytesRead: 0, totalBytes, tablesCreated: 0, statements: 0 };
  const objectStatements: string[] = [];
  let lastReport = 0;
  const execute = async (statement: string) => {
    if (signal.aborted) throw new CancelledError();
    if (OBJECT.test(statement)) objectStatements.push(statement);
    if (CREATE_TABLE.test(statement)) progress.tablesCreated++;
    await runner.run(statement);
    progress.statements++;
  };
  try {
    for await (const chunk of gunzip) {
      progress.bytesRead = source.bytesRead;
      for (const statement of splitter.push(chunk as Buffer)) await execute(statement);
      if (Date.now() - lastReport > 200) { lastReport = Date.now(); onProgress({ ...progress }); }
    }
  } catch (error) {
    gunzip.destroy();
    source.destroy();
    if (error instanceof Error && 'code' in error && String((error as NodeJS.ErrnoException).code).startsWith('Z_')) {
      throw new BackupCorruptError(`The dump ${file} is not a valid gzip file (${error.message}); it was not restored.`, { cause: error });
    }
    throw error;
  }
  if (!splitter.atStatementBoundary) {
    throw new BackupCorruptError(`The dump ${file} ends in the middle of a statement; it is truncated and was not restored.`);
  }
  for (const statement of splitter.end()) await execute(statement);
  await runner.drain();
  onProgress({ ...progress, bytesRead: totalBytes });
  return { statements: progress.statements, objectStatements };
}
