import type { DatabaseCredentials } from '../config/credentials';
import { CancelledError } from '../common/errors';
import { abortWith, closeQuietly, destroyQuietly, openConnection, type Connection } from './connection';
import type { TableSummary } from './dumpWriter';
import { readTables } from './schema';
import { streamTableRows } from './tableRows';

/**
 * Row count and content checksum of every base table of a database, computed
 * exactly as a backup computes them for its manifest (under the manifest's
 * `checksumAlgorithm` when given, else the current one), on `parallel`
 * connections (each in a consistent snapshot). A `signal` that fires stops the
 * reading at once with a CancelledError.
 */
export async function tableChecksums(
  credentials: DatabaseCredentials,
  database: string,
  options: { parallel?: number; onRows?: (rows: number) => void; checksumAlgorithm?: string; signal?: AbortSignal } = {},
): Promise<TableSummary[]> {
  const { signal } = options;
  const connections: Connection[] = [];
  const stopAbort = signal ? abortWith(signal, () => connections) : () => undefined;
  const checkCancelled = () => { if (signal?.aborted) throw new CancelledError(); };
  try {
    for (let i = 0; i < Math.max(1, options.parallel ?? 1); i++) {
      // a connection opened after the abort would not be destroyed by it
      checkCancelled();
      const connection = await openConnection(credentials, { database });
      connections.push(connection);
      await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
    }
    const tables = await readTables(connections[0], database);
    const results: TableSummary[] = new Array(tables.length);
    let next = 0;
    await Promise.all(connections.map(async (connection) => {
      for (let index = next++; index < tables.length; index = next++) {
        checkCancelled();
        const result = await streamTableRows(connection, tables[index], { onProgress: (rows) => options.onRows?.(rows), checksumAlgorithm: options.checksumAlgorithm, signal });
        results[index] = { name: tables[index].name, ...result };
      }
    }));
    for (const connection of connections) await closeQuietly(connection);
    return results;
  } catch (error) {
    // the abort destroyed the connections: their errors only say that
    checkCancelled();
    throw error;
  } finally {
    stopAbort();
    for (const connection of connections) destroyQuietly(connection);
  }
}

/** Differences between two sets of table summaries, one sentence each; empty when they agree. */
export function compareTables(expected: readonly TableSummary[], actual: readonly TableSummary[]): string[] {
  const problems: string[] = [];
  const byName = new Map(actual.map((t) => [t.name, t]));
  for (const want of expected) {
    const got = byName.get(want.name);
    if (!got) problems.push(`table ${want.name} is missing`);
    else if (got.rows !== want.rows) problems.push(`table ${want.name} has ${got.rows} rows instead of ${want.rows}`);
    else if (got.checksum !== want.checksum) problems.push(`table ${want.name} holds different values (checksum ${got.checksum} instead of ${want.checksum})`);
    byName.delete(want.name);
  }
  for (const extra of byName.keys()) problems.push(`table ${extra} is not in the backup`);
  return problems;
}
