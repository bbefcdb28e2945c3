// Shared by the database integration tests: credentials from the rig's .env,
// scratch databases created as root and always dropped, a temp backups folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import type { DatabaseCredentials } from '../../../src/core/config/credentials';
import { startRig, type Rig } from '../../rig';

export interface DatabaseRig {
  rig: Rig;
  root: (database: string) => DatabaseCredentials;
}

/** The rig's staging half, healthy; tests use its MariaDB as root on extra databases. */
export async function startDatabaseRig(): Promise<DatabaseRig> {
  const rig = await startRig(['staging']);
  const root = (database: string): DatabaseCredentials => ({
    host: '127.0.0.1',
    port: Number(rig.env.STAGING_DB_PORT),
    user: 'root',
    password: rig.env.STAGING_DB_ROOT_PASSWORD,
    database,
  });
  return { rig, root };
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

/** Loads a gzip dump with the stock `mariadb` client (password through MYSQL_PWD, never on the command line). */
export async function loadWithStockClient(credentials: DatabaseCredentials, dumpFile: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  await new Promise<void>((resolve, reject) => {
    const gunzip = spawn('gunzip', ['-c', dumpFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    const client = spawn('mariadb', ['-h', credentials.host, '-P', String(credentials.port), '-u', credentials.user, credentials.database], {
      stdio: ['pipe', 'inherit', 'pipe'], env: { ...process.env, MYSQL_PWD: credentials.password },
    });
    let stderr = '';
    client.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    gunzip.stdout.pipe(client.stdin);
    client.on('error', reject);
    client.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`mariadb exited with ${code}: ${stderr}`))));
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
