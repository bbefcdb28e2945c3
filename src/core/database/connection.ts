import mysql from 'mysql2/promise';
import type { Connection as CoreConnection } from 'mysql2';
import type { DatabaseCredentials } from '../config/credentials';
import { errorMessage } from '../common/errors';
import { DatabaseError } from './errors';
import { redactSecrets } from '../common/process';

export type Connection = mysql.Connection;
export type { CoreConnection };

/** `host:port` and user for messages: never the password. */
export function describeServer(credentials: DatabaseCredentials): string {
  return `${credentials.user}@${credentials.host}:${credentials.port}`;
}

/**
 * One connection in utf8mb4 and UTC, so strings and TIMESTAMP values travel
 * unchanged. `database: null` connects without selecting one.
 */
export async function openConnection(
  credentials: DatabaseCredentials,
  options: { database?: string | null } = {},
): Promise<Connection> {
  const database = options.database === undefined ? credentials.database : options.database ?? undefined;
  try {
    const connection = await mysql.createConnection({
      host: credentials.host,
      port: credentials.port,
      user: credentials.user,
      password: credentials.password,
      database,
      charset: 'UTF8MB4_UNICODE_CI',
      timezone: 'Z',
      connectTimeout: 15_000,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      // mysql2 scans every statement for placeholders even with no values: a restore's 1 MB INSERTs carry none
      queryFormat: (sql: string, values?: unknown) => (values === undefined || (Array.isArray(values) && values.length === 0) ? sql : mysql.format(sql, values as Parameters<typeof mysql.format>[1])),
    });
    // a paused reader (gzip behind) must not make the server give up on us
    await connection.query("SET SESSION time_zone = '+00:00', SESSION net_write_timeout = 3600, SESSION net_read_timeout = 3600");
    return connection;
  } catch (error) {
    throw new DatabaseError(
      `Could not connect to ${database ? `the database ${database}` : 'the database server'} as ${describeServer(credentials)}: ${safeMessage(error, credentials)}; check that the database container runs and the password variable is right.`,
      { cause: error },
    );
  }
}

/** The server's message, with the password removed should a driver ever echo it. */
export function safeMessage(error: unknown, credentials?: DatabaseCredentials): string {
  return redactSecrets(errorMessage(error), credentials?.password ? [credentials.password] : []);
}

/** Closes without waiting for the server (used on abort and after failures). */
export function destroyQuietly(connection: Connection | undefined): void {
  try {
    connection?.destroy();
  } catch {
    // already gone
  }
}

export async function closeQuietly(connection: Connection | undefined): Promise<void> {
  try {
    await connection?.end();
  } catch {
    destroyQuietly(connection);
  }
}

/** When the signal fires, destroys the connections so running queries stop; returns what unsubscribes. */
export function abortWith(signal: AbortSignal, connections: () => Iterable<Connection | undefined>): () => void {
  const onAbort = () => { for (const c of connections()) destroyQuietly(c); };
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}


/** The callback-style connection under a promise one: streaming queries with pause/resume need it. */
export function coreOf(connection: Connection): CoreConnection {
  return (connection as unknown as { connection: CoreConnection }).connection;
}

export async function rowsOf<T>(connection: Connection, sql: string, values: unknown[] = []): Promise<T[]> {
  const [rows] = await connection.query(sql, values);
  return rows as T[];
}
