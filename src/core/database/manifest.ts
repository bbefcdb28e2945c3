import fs from 'node:fs';
import path from 'node:path';
import type { TableSummary } from './dumpWriter';
import { compactTimestamp } from '../common/time';

export const DUMP_FILE = 'dump.sql.gz';
export const MANIFEST_FILE = 'manifest.json';
export { CHECKSUM_ALGORITHM } from './contentChecksum';

/**
 * Where each gzip member of dump.sql.gz starts: the header (with the
 * sequences), each table's members (about 8 MB of SQL each, the first with
 * its CREATE TABLE), then routines/views/triggers/events. A restore loads the
 * members on several connections; stock tools read the file as one gzip stream.
 */
export interface DumpPart {
  table?: string;
  offset: number;
  bytes: number;
}

/** What manifest.json holds. Never a password. */
export interface BackupManifest {
  formatVersion: 1;
  id: string;
  /** ISO time the snapshot was taken. */
  createdAt: string;
  environment: string;
  database: string;
  serverVersion: string;
  tables: TableSummary[];
  objects: { type: string; name: string }[];
  /** MariaDB sequences and where each stood (`next_not_cached_value`, `cycle_count`); absent when none. */
  sequences?: { name: string; next: string; round: string }[];
  checksumAlgorithm: string;
  dump: { file: string; sha256: string; bytes: number; parts?: DumpPart[] };
  gitCommit?: string;
  /** Image of each service that was live, when the caller said. */
  images?: Record<string, string>;
  /** Why the backup was taken (`before deploy …`, `safety before restore …`), when the caller said. */
  reason?: string;
  durationMs: number;
  /** The dump was re-read after it was written and its sha256 matched. */
  verifiedAt: string;
}

/** A backup as the store lists it. */
export interface BackupRecord {
  id: string;
  /** Absolute path of the backup's folder. */
  path: string;
  environment?: string;
  database?: string;
  createdAt?: string;
  /** Bytes of dump.sql.gz (0 when it is missing). */
  sizeBytes: number;
  /** Manifest and dump are there and agree on the size. */
  complete: boolean;
  /** Complete, and verified when it was written. */
  verified: boolean;
  rows?: number;
  gitCommit?: string;
  images?: Record<string, string>;
  reason?: string;
  /** Why the backup is not complete. */
  problem?: string;
  manifest?: BackupManifest;
}

/** Ids are times: `20250131-235959`, with `-2`… when two backups share a second. */
export const BACKUP_ID = /^\d{8}-\d{6}(-\d+)?$/;

/** A backup's id is the UTC time it started, in the same form as deploy tags. */
export const backupIdFor = compactTimestamp;

/** Newest first: ids sort by time, and `-2` after its plain twin. */
export function compareNewestFirst(a: { id: string }, b: { id: string }): number {
  const parts = (id: string) => {
    const match = /^(\d{8}-\d{6})(?:-(\d+))?$/.exec(id);
    return { time: match?.[1] ?? id, suffix: Number(match?.[2] ?? 1) };
  };
  const pa = parts(a.id);
  const pb = parts(b.id);
  if (pa.time !== pb.time) return pa.time < pb.time ? 1 : -1;
  return pb.suffix - pa.suffix;
}

function isManifest(value: unknown): value is BackupManifest {
  const m = value as BackupManifest;
  return typeof m === 'object' && m !== null && m.formatVersion === 1 && typeof m.id === 'string'
    && Array.isArray(m.tables) && typeof m.dump?.sha256 === 'string' && typeof m.dump.bytes === 'number';
}

/** Reads one backup folder into a record; never throws for a damaged backup, it says what is wrong instead. */
export function readRecord(folder: string, id: string): BackupRecord {
  const dir = path.join(folder, id);
  const dumpSize = (() => { try { return fs.statSync(path.join(dir, DUMP_FILE)).size; } catch { return -1; } })();
  let manifestText: string | undefined;
  try {
    manifestText = fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') manifestText = '';
  }
  return recordFrom(id, dir, dumpSize, manifestText);
}

/**
 * A backup's record from what its folder holds, wherever that folder is: the
 * dump's size (-1 when missing) and the manifest's text (undefined when missing).
 */
export function recordFrom(id: string, dir: string, dumpSize: number, manifestText: string | undefined): BackupRecord {
  const base: BackupRecord = { id, path: dir, sizeBytes: Math.max(dumpSize, 0), complete: false, verified: false };
  if (manifestText === undefined) return { ...base, problem: `${MANIFEST_FILE} is missing` };
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch {
    return { ...base, problem: `${MANIFEST_FILE} is not valid JSON` };
  }
  if (!isManifest(manifest)) return { ...base, problem: `${MANIFEST_FILE} is not a Dual Env backup manifest` };
  const record: BackupRecord = {
    ...base,
    environment: manifest.environment,
    database: manifest.database,
    createdAt: manifest.createdAt,
    rows: manifest.tables.reduce((n, t) => n + t.rows, 0),
    gitCommit: manifest.gitCommit,
    images: manifest.images,
    reason: manifest.reason,
    manifest,
  };
  if (dumpSize < 0) return { ...record, problem: `${DUMP_FILE} is missing` };
  if (dumpSize !== manifest.dump.bytes) {
    return { ...record, problem: `${DUMP_FILE} has ${dumpSize} bytes, the manifest says ${manifest.dump.bytes}` };
  }
  return { ...record, complete: true, verified: Boolean(manifest.verifiedAt) };
}
