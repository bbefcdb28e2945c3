import fs from 'node:fs';
import mysql from 'mysql2/promise';
import type { Connection as CoreConnection } from 'mysql2';
import type { DatabaseCredentials } from '../config/credentials';
import { errorMessage } from '../common/errors';
import { DatabaseError } from './errors';
import { redactSecrets } from '../common/process';
import { SshFailure, sshDestination } from '../docker/sshTarget';
import { openSshStream } from './sshStream';

export type Connection = mysql.Connection;
export type { CoreConnection };

/** `host:port` and user for messages: never the password. */
export function describeServer(credentials: DatabaseCredentials): string {
  return `${credentials.user}@${credentials.host}:${credentials.port}${credentials.via ? ` on ${sshDestination(credentials.via)} (over SSH)` : ''}`;
}

/** MySQL's ER_SECURE_TRANSPORT_REQUIRED: the server takes no connection without TLS. */
const SECURE_TRANSPORT_REQUIRED = 3159;

/**
 * mysql2's TLS options for the credentials: none for `auto` until the server
 * asks; a CA file makes the certificate checked, otherwise the connection is
 * only encrypted, as the stock client's `--ssl-mode=REQUIRED` (servers make
 * their own self-signed certificate).
 */
function tlsOptions(credentials: DatabaseCredentials, serverRequiresTls: boolean): mysql.ConnectionOptions['ssl'] {
  const tls = credentials.tls ?? { mode: 'auto' };
  if (tls.mode === 'auto' && !serverRequiresTls && !tls.caFile) return undefined;
  if (!tls.caFile) return { rejectUnauthorized: false };
  let ca: Buffer;
  try {
    ca = fs.readFileSync(tls.caFile);
  } catch (error) {
    throw new DatabaseError(`Cannot read the database's TLS certificate authority file ${tls.caFile}: ${errorMessage(error)}.`, { cause: error });
  }
  return { ca, rejectUnauthorized: true };
}

/**
 * One connection in utf8mb4 and UTC, so strings and TIMESTAMP values travel
 * unchanged. `database: null` connects without selecting one. With `tls: auto`
 * a server that requires TLS is asked again over TLS.
 */
export async function openConnection(
  credentials: DatabaseCredentials,
  options: { database?: string | null } = {},
): Promise<Connection> {
  try {
    return await connect(credentials, options, false);
  } catch (error) {
    if (!(error instanceof DatabaseError) || (error.cause as { errno?: number } | undefined)?.errno !== SECURE_TRANSPORT_REQUIRED) throw error;
    if ((credentials.tls?.mode ?? 'auto') !== 'auto') throw error;
    return connect(credentials, options, true);
  }
}

async function connect(credentials: DatabaseCredentials, options: { database?: string | null }, serverRequiresTls: boolean): Promise<Connection> {
  const database = options.database === undefined ? credentials.database : options.database ?? undefined;
  const ssl = tlsOptions(credentials, serverRequiresTls);
  try {
    // on an ssh:// environment the bytes go through ssh to host:port as the server sees them
    const stream = credentials.via ? await openSshStream(credentials.via, credentials.host, credentials.port) : undefined;
    const connection = await mysql.createConnection({
      ...(stream ? { stream } : {}),
      ssl,
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
    // ssh's own failures are a sentence of their own: the remedy is on the SSH side, not the database's
    if (error instanceof SshFailure && error.known) throw new DatabaseError(error.message, { cause: error });
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
