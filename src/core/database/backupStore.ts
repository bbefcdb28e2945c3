import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { DatabaseCredentials } from '../config/credentials';
import { UsageError, errorMessage } from '../common/errors';
import { ensureGitIgnoredFolder } from '../common/ignoredFolder';
import { progressReporter, type ProgressListener } from '../common/progress';
import { DUMP_END_MARKER } from './dumpFormat';
import { writeDump, type DumpOptions, type DumpResult } from './dumpWriter';
import { fsyncDirectory } from './directorySync';
import { BackupCorruptError, BackupNotFoundError } from './errors';
import {
  BACKUP_ID, CHECKSUM_ALGORITHM, DUMP_FILE, MANIFEST_FILE, backupIdFor, compareNewestFirst, readRecord,
  type BackupManifest, type BackupRecord, type DumpPart,
} from './manifest';
import { dumpProgressLines, formatBytes, formatCount } from './progressText';

export interface BackupDeps {
  credentials: DatabaseCredentials;
  /** The environment's backups folder (`backups/<environment>`). */
  folder: string;
  now?: () => Date;
  dump?: Omit<DumpOptions, 'onProgress' | 'onNote'>;
}

export interface BackupInput {
  environment: string;
  gitCommit?: string;
  images?: Record<string, string>;
  reason?: string;
}

export const PARTIAL_PREFIX = '.partial-';

export async function sha256Of(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}

/** Concatenates the gzip parts (one valid multi-member gzip file), fsyncs it, returns its sha256, size and where each part is. */
async function joinParts(partsDir: string, parts: DumpResult['parts'], target: string): Promise<{ sha256: string; bytes: number; index: DumpPart[] }> {
  const hash = crypto.createHash('sha256');
  const out = await fs.promises.open(target, 'w');
  const index: DumpPart[] = [];
  let bytes = 0;
  try {
    for (const part of parts) {
      const offset = bytes;
      const file = path.join(partsDir, part.name);
      for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
        const data = chunk as Buffer;
        hash.update(data);
        await out.write(data);
        bytes += data.length;
      }
      index.push({ ...(part.table === undefined ? {} : { table: part.table }), offset, bytes: bytes - offset });
      await fs.promises.rm(file);
    }
    await out.sync();
  } finally {
    await out.close();
  }
  return { sha256: hash.digest('hex'), bytes, index };
}

async function writeFileSynced(file: string, text: string): Promise<void> {
  const handle = await fs.promises.open(file, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Renames the finished folder to its id, taking `-2`, `-3`… when another backup has that second. */
async function publish(folder: string, partial: string, id: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? id : `${id}-${n}`;
    try {
      // a rename onto an existing non-empty folder fails, so two writers never share one
      if (fs.existsSync(path.join(folder, candidate))) continue;
      await fs.promises.rename(partial, path.join(folder, candidate));
      return candidate;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    }
  }
}

/** The manifest of a dump whose bytes were written and read back: `written` is what the re-read found. */
export function manifestOf(facts: {
  id: string; started: Date; startedMs: number; database: string; input: BackupInput; dump: DumpResult;
  written: { sha256: string; bytes: number; index: DumpPart[] };
}): BackupManifest {
  const { dump, input, written } = facts;
  return {
    formatVersion: 1,
    id: facts.id,
    createdAt: facts.started.toISOString(),
    environment: input.environment,
    database: facts.database,
    serverVersion: dump.serverVersion,
    tables: dump.tables,
    objects: dump.objects,
    ...(dump.sequences.length > 0 ? { sequences: dump.sequences } : {}),
    checksumAlgorithm: CHECKSUM_ALGORITHM,
    dump: { file: DUMP_FILE, sha256: written.sha256, bytes: written.bytes, parts: written.index },
    ...(input.gitCommit ? { gitCommit: input.gitCommit } : {}),
    ...(input.images ? { images: input.images } : {}),
    ...(input.reason ? { reason: input.reason } : {}),
    durationMs: Date.now() - facts.startedMs,
    verifiedAt: new Date().toISOString(),
  };
}

/**
 * Takes a backup of one database into `folder/<YYYYMMDD-HHMMSS>/`: dump.sql.gz
 * and manifest.json. Everything is written under a `.partial-…` name, fsynced,
 * the dump re-read and its sha256 checked, and only then renamed to the id:
 * a failed or interrupted backup never leaves a folder that looks complete.
 */
export async function createBackup(
  deps: BackupDeps,
  input: BackupInput,
  signal: AbortSignal,
  onProgress?: ProgressListener,
): Promise<BackupRecord> {
  const report = progressReporter(onProgress);
  const started = (deps.now ?? (() => new Date()))();
  const startedMs = Date.now();
  const id = backupIdFor(started);
  // the default folder sits inside the repository: a dump must never be staged, committed or pushed
  ensureGitIgnoredFolder(deps.folder, 'Dual Env database backups');
  const partial = await fs.promises.mkdtemp(path.join(deps.folder, `${PARTIAL_PREFIX}${id}-`));
  const partsDir = path.join(partial, 'parts');
  await fs.promises.mkdir(partsDir);
  try {
    report.running('backup', `Backing up ${deps.credentials.database}…`, 0);
    const dump = await writeDump(deps.credentials, partsDir, signal, {
      ...deps.dump,
      ...dumpProgressLines(report, startedMs),
    });
    report.running('backup', 'Writing and verifying dump.sql.gz…', 0.99);
    const dumpFile = path.join(partial, DUMP_FILE);
    const written = await joinParts(partsDir, dump.parts, dumpFile);
    await fs.promises.rm(partsDir, { recursive: true });
    // read back what reached the disk: a dump is trusted only once its bytes are known good
    const reread = await sha256Of(dumpFile);
    if (reread !== written.sha256) {
      throw new BackupCorruptError(`The dump written to ${dumpFile} reads back differently (sha256 mismatch); the disk may be failing. No backup was kept.`);
    }
    const manifest = manifestOf({ id, started, startedMs, database: deps.credentials.database, input, dump, written });
    const finalId = await publishWithManifest(deps.folder, partial, id, manifest);
    const record = readRecord(deps.folder, finalId);
    report.done('backup', `Backup ${finalId}: ${dump.tables.length} tables, ${formatCount(record.rows ?? 0)} rows, ${formatBytes(written.bytes)}.`);
    return record;
  } catch (error) {
    await fs.promises.rm(partial, { recursive: true, force: true });
    report.failed('backup', error instanceof Error ? error.message : String(error));
    throw error;
  }
}

async function publishWithManifest(folder: string, partial: string, id: string, manifest: BackupManifest): Promise<string> {
  // the id inside the manifest must match the folder's name, which is only known at publish time
  let finalId = id;
  for (let n = 2; fs.existsSync(path.join(folder, finalId)); n++) finalId = `${id}-${n}`;
  await writeFileSynced(path.join(partial, MANIFEST_FILE), `${JSON.stringify({ ...manifest, id: finalId }, null, 2)}\n`);
  await fsyncDirectory(partial);
  const published = await publish(folder, partial, finalId);
  if (published !== finalId) {
    // another writer took the name in between: keep the manifest's id true
    const file = path.join(folder, published, MANIFEST_FILE);
    await writeFileSynced(file, `${JSON.stringify({ ...manifest, id: published }, null, 2)}\n`);
  }
  await fsyncDirectory(folder);
  return published;
}

/** Backups of one environment, newest first; damaged ones are listed with `complete: false` and the problem. */
export function listBackups(folder: string): BackupRecord[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((e) => e.isDirectory() && BACKUP_ID.test(e.name))
    .map((e) => readRecord(folder, e.name))
    .sort(compareNewestFirst);
}

function checkId(id: string): void {
  if (!BACKUP_ID.test(id)) throw new UsageError(`"${id}" is not a backup id; ids look like 20250131-235959 (see \`dual-env backups <env>\`).`);
}

export function findBackup(folder: string, id: string): BackupRecord {
  checkId(id);
  if (!fs.existsSync(path.join(folder, id))) {
    throw new BackupNotFoundError(`There is no backup ${id} in ${folder}; list them with \`dual-env backups <env>\`.`);
  }
  return readRecord(folder, id);
}

export interface VerifyResult {
  record: BackupRecord;
  ok: boolean;
  problems: string[];
}

/**
 * Checks a backup: manifest present, dump size and sha256 as recorded and,
 * unless `fileOnly`, the gzip stream whole and the dump's last line the
 * writer's end marker. A restore asks for `fileOnly`: the sha256 already pins
 * every byte the writer verified, and the load itself refuses a dump that
 * does not decompress or ends mid-statement.
 */
export async function verifyBackup(folder: string, id: string, signal?: AbortSignal, fileOnly = false): Promise<VerifyResult> {
  const record = findBackup(folder, id);
  const problems: string[] = record.problem ? [record.problem] : [];
  const manifest = record.manifest;
  const dumpFile = path.join(record.path, DUMP_FILE);
  if (manifest && fs.existsSync(dumpFile)) {
    const actual = await sha256Of(dumpFile);
    if (actual !== manifest.dump.sha256) problems.push(`${DUMP_FILE} has sha256 ${actual.slice(0, 12)}…, the manifest says ${manifest.dump.sha256.slice(0, 12)}…`);
    else if (!fileOnly) {
      let tail = '';
      try {
        const keepTail = new Writable({
          write(chunk: Buffer, _encoding, callback) { tail = (tail + chunk.toString('latin1')).slice(-200); callback(); },
        });
        await pipeline(fs.createReadStream(dumpFile), zlib.createGunzip(), keepTail, { signal });
        if (!tail.includes(DUMP_END_MARKER)) problems.push(`${DUMP_FILE} does not end with the end marker; it is truncated`);
      } catch (error) {
        problems.push(`${DUMP_FILE} is not a whole gzip stream (${error instanceof Error ? error.message : String(error)})`);
      }
    }
  }
  return { record, ok: problems.length === 0, problems };
}

/** Throws BackupCorruptError, naming what is wrong, unless the backup verifies. */
export async function assertRestorable(folder: string, id: string, signal?: AbortSignal): Promise<BackupManifest> {
  const result = await verifyBackup(folder, id, signal, true);
  if (!result.ok || !result.record.manifest) {
    throw new BackupCorruptError(`Backup ${id} in ${folder} cannot be trusted: ${result.problems.join('; ')}. It was not restored; pick another backup.`);
  }
  return result.record.manifest;
}

export async function deleteBackup(folder: string, id: string): Promise<void> {
  findBackup(folder, id);
  await fs.promises.rm(path.join(folder, id), { recursive: true, force: true });
}

export interface RetentionResult {
  /** Ids of the backups deleted. */
  deleted: string[];
  /** One sentence per backup or leftover that could not be deleted; retention never fails the backup that preceded it. */
  warnings: string[];
}

/**
 * When anything in a folder last changed. A backup being written works deep
 * inside its `.partial-…` folder (parts/, then the dump), which leaves the
 * folder's own mtime at its creation.
 */
function lastWrittenMs(target: string): number {
  try {
    const stat = fs.statSync(target);
    if (!stat.isDirectory()) return stat.mtimeMs;
    return fs.readdirSync(target).reduce((newest, name) => Math.max(newest, lastWrittenMs(path.join(target, name))), stat.mtimeMs);
  } catch (error) {
    // it vanished while being looked at: whoever removed it is at work right now
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Date.now();
    throw error;
  }
}

const PARTIAL_MAX_IDLE_MS = 3_600_000;

/**
 * Keeps the newest `keep` backups and deletes the older ones, but never the
 * newest verified backup (even when it is older than all kept ones). Leftover
 * `.partial-…` folders of interrupted backups go once nothing in them has
 * changed for an hour. `protect` names backups still needed (a rollback's
 * target while its safety backup is taken). What cannot be deleted is
 * reported in `warnings`, not thrown.
 */
export async function applyRetention(folder: string, keep: number, protect: readonly string[] = []): Promise<RetentionResult> {
  if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`Retention must keep at least 1 backup, not ${keep}.`);
  const warnings: string[] = [];
  const backups = listBackups(folder);
  const newestVerified = backups.find((b) => b.verified);
  const doomed = backups.slice(keep).filter((b) => b !== newestVerified && !protect.includes(b.id));
  const deleted: string[] = [];
  for (const backup of doomed) {
    try {
      await fs.promises.rm(backup.path, { recursive: true, force: true });
      deleted.push(backup.id);
    } catch (error) {
      warnings.push(`Could not delete the old backup ${backup.path} (${errorMessage(error)}); delete it by hand.`);
    }
  }
  const idleSince = Date.now() - PARTIAL_MAX_IDLE_MS;
  for (const entry of fs.existsSync(folder) ? fs.readdirSync(folder) : []) {
    if (!entry.startsWith(PARTIAL_PREFIX)) continue;
    const full = path.join(folder, entry);
    try {
      if (lastWrittenMs(full) < idleSince) await fs.promises.rm(full, { recursive: true, force: true });
    } catch (error) {
      warnings.push(`Could not clear ${full}, left by an interrupted backup (${errorMessage(error)}); delete it by hand.`);
    }
  }
  return { deleted, warnings };
}
