// Shared by the database integration tests: credentials from the rig's .env,
// scratch databases created as root and always dropped, a temp backups folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe } from 'node:test';
import mysql from 'mysql2/promise';
import type { DatabaseCredentials } from '../../../src/core/config/credentials';
import { DATABASE_SERVERS, startDatabaseServer, startRig, type DatabaseServer, type DatabaseServerKind, type Rig } from '../../rig';

export interface DatabaseRig {
  rig: Rig;
  server: DatabaseServer;
  root: (database: string) => DatabaseCredentials;
}

export const SERVER_KINDS = Object.keys(DATABASE_SERVERS) as DatabaseServerKind[];

/** The rig's standalone server of `kind`, answering; tests use it as root on databases of their own. */
export async function startDatabaseRig(kind: DatabaseServerKind): Promise<DatabaseRig> {
  const rig = await startRig();
  const server = await startDatabaseServer(kind);
  return { rig, server, root: server.root };
}

/** The reference stack's staging half, healthy, and its database as root: for the tests of the CLI on the stack. */
export async function startStackDatabase(): Promise<Omit<DatabaseRig, 'server'>> {
  const rig = await startRig(['staging']);
  const root = (database: string): DatabaseCredentials => ({
    host: '127.0.0.1', port: Number(rig.env.STAGING_DB_PORT), user: 'root', password: rig.env.STAGING_DB_ROOT_PASSWORD, database,
  });
  return { rig, root };
}

/** The suite once per database server, each named after its server, so a failure says where it failed. */
export function describeOnEachServer(title: string, suite: (kind: DatabaseServerKind) => void, kinds: readonly DatabaseServerKind[] = SERVER_KINDS): void {
  for (const kind of kinds) describe(`${title} [${DATABASE_SERVERS[kind].label}]`, () => suite(kind));
}

/**
 * A derived table `numbers` of the integers 1..n in a column `seq`, on MySQL
 * and MariaDB alike (MariaDB's seq_1_to_n engine is its own; MySQL's
 * recursive CTEs stop at 1000 rows unless a session variable says otherwise).
 */
export function seq(n: number): string {
  const digits = '(SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
  const places = Math.max(1, Math.ceil(Math.log10(n + 1)));
  const terms = Array.from({ length: places }, (_, i) => `d${i}.n * ${10 ** i}`).join(' + ');
  const tables = Array.from({ length: places }, (_, i) => `${digits} AS d${i}`).join(' CROSS JOIN ');
  return `(SELECT seq FROM (SELECT ${terms} + 1 AS seq FROM ${tables}) AS every_number WHERE seq <= ${n}) AS numbers`;
}

/** An ordinary account with every right on `database` only, as an app's user has: created on first use. */
export async function appUser(db: DatabaseRig, database: string): Promise<DatabaseCredentials> {
  const user = 'dualenv_app';
  const password = 'app-password-for-tests';
  await runSql(db.root(database), `CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY '${password}'`);
  await runSql(db.root(database), `GRANT ALL PRIVILEGES ON \`${database}\`.* TO '${user}'@'%'`);
  return { ...db.root(database), user, password };
}

/** A connection that may run several statements at once (fixtures only). */
export function adminConnection(credentials: DatabaseCredentials, database: string | null = credentials.database) {
  return mysql.createConnection({
    host: credentials.host, port: credentials.port, user: credentials.user, password: credentials.password,
    database: database ?? undefined, multipleStatements: true, charset: 'UTF8MB4_UNICODE_CI', timezone: 'Z', dateStrings: true,
    supportBigNumbers: true, bigNumberStrings: true,
  });
}

export async function recreateDatabase(credentials: DatabaseCredentials, name: string): Promise<void> {
  const admin = await adminConnection(credentials, null);
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
}

export async function dropDatabases(credentials: DatabaseCredentials, ...names: string[]): Promise<void> {
  const admin = await adminConnection(credentials, null);
  try {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await admin.end();
  }
}

export async function runSql(credentials: DatabaseCredentials, sql: string): Promise<unknown> {
  const connection = await adminConnection(credentials);
  try {
    const [result] = await connection.query(sql);
    return result;
  } finally {
    await connection.end();
  }
}

export function tempFolder(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `dual-env-${prefix}-`));
}

export const noProgress = () => {};
export const never = () => new AbortController().signal;

/** Every row of a table as raw column bytes (no driver conversion), in key order: for byte-exact comparison. */
export async function rawRows(credentials: DatabaseCredentials, table: string, orderBy: string): Promise<(Buffer | null)[][]> {
  const connection = await adminConnection(credentials);
  try {
    const [rows] = await connection.query({ sql: `SELECT * FROM \`${table}\` ORDER BY ${orderBy}`, rowsAsArray: true, typeCast: false });
    return rows as unknown as (Buffer | null)[][];
  } finally {
    await connection.end();
  }
}

/**
 * Loads a gzip dump with the server's own stock client (`mysql` or `mariadb`,
 * run in the server's container, on its socket), the password through MYSQL_PWD,
 * never on a command line.
 */
export async function loadWithStockClient(db: DatabaseRig, credentials: DatabaseCredentials, dumpFile: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  const stockClient = DATABASE_SERVERS[db.server.kind].stockClient;
  await new Promise<void>((resolve, reject) => {
    const gunzip = spawn('gunzip', ['-c', dumpFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    const args = ['exec', '-i', '-e', 'MYSQL_PWD', db.server.container, stockClient, '-u', credentials.user, credentials.database];
    const client = spawn('docker', args, {
      stdio: ['pipe', 'inherit', 'pipe'], env: { ...process.env, MYSQL_PWD: credentials.password },
    });
    let stderr = '';
    client.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    gunzip.stdout.pipe(client.stdin);
    client.on('error', reject);
    client.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${stockClient} exited with ${code}: ${stderr}`))));
  });
}

export interface ChildRun {
  /** Resolves with the JSON lines the child printed and its exit code or signal. */
  done: Promise<{ lines: Record<string, unknown>[]; code: number | null; signal: NodeJS.Signals | null }>;
  kill: () => void;
}

/**
 * Runs childOperation.ts in a separate node process; `onLine` sees each JSON
 * line as it arrives (to kill the child at the right moment).
 */
export async function runChild(
  credentials: DatabaseCredentials,
  request: Record<string, unknown>,
  options: { maxOldSpaceMb?: number; onLine?: (line: Record<string, unknown>, kill: () => void) => void } = {},
): Promise<ChildRun> {
  const { spawn } = await import('node:child_process');
  const script = path.join(__dirname, 'childOperation.ts');
  const args = [...(options.maxOldSpaceMb ? [`--max-old-space-size=${options.maxOldSpaceMb}`] : []), '--import', 'tsx', script, JSON.stringify(request)];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DUAL_ENV_TEST_CREDENTIALS: JSON.stringify(credentials) },
  });
  const kill = () => { child.kill('SIGKILL'); };
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdout.on('data', (d: Buffer) => {
    const text = partial + d.toString();
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) {
      const line = JSON.parse(part) as Record<string, unknown>;
      lines.push(line);
      options.onLine?.(line, kill);
    }
  });
  const done = new Promise<{ lines: Record<string, unknown>[]; code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      if (code !== 0 && !signal && stderr) lines.push({ stderr });
      resolve({ lines, code, signal });
    });
  });
  return { done, kill };
}
