import crypto from 'node:crypto';
import type { DatabaseCredentials } from '../config/credentials';
import { CancelledError, UsageError, isEngineError, type DualEnvError } from '../common/errors';
import { progressReporter, type ProgressListener, type ProgressReporter } from '../common/progress';
import type { BackupInput } from './backupStore';
import { folderPlace, type BackupPlace } from './backupPlace';
import { abortWith, closeQuietly, describeServer, destroyQuietly, openConnection, rowsOf, safeMessage, type Connection } from './connection';
import { loadDump, loadDumpByParts, type LoadProgress, type LoadResult } from './dumpLoader';
import type { DumpOptions, TableSummary } from './dumpWriter';
import { DatabaseError, RestoreVerificationError, SafetyBackupFailedError } from './errors';
import { type BackupManifest, type BackupRecord, type DumpPart } from './manifest';
import { sequenceNames, sequenceState, type SchemaObject } from './schema';
import { formatBytes, formatCount, formatRate } from './progressText';
import { quoteIdentifier } from './sqlText';
import { clearLeftovers, helperPrefix, swapIn } from './tableSwap';
import { assertSupportedServer } from './serverSupport';
import { compareTables, tableChecksums } from './tableChecksums';
import { backUpMovedAside, readObjectsBeforeSwap } from './safetyBackup';

export interface RestoreDeps {
  /** Root (or a user with CREATE/DROP DATABASE): the restore loads into a scratch database first. `database` is the target. */
  credentials: DatabaseCredentials;
  /** Where the backup is (and where the safety backup goes unless `safetyPlace` says otherwise); `folder` is short for `folderPlace(folder)`. */
  place?: BackupPlace;
  folder?: string;
  /** Where the safety backup of the target goes, when the backup comes from another environment's backups. */
  safetyPlace?: BackupPlace;
  safetyFolder?: string;
  /** Named in the safety backup's manifest. */
  environment?: string;
  /** Connections that load rows at once (default 3). */
  parallel?: number;
  /** How long the swap waits for a table the application holds (default 60 s) before it gives up with the target unchanged. */
  lockWaitSeconds?: number;
  dump?: Omit<DumpOptions, 'onProgress' | 'onNote'>;
}

export interface RestoreInput {
  backupId: string;
  /** Back up what the target held up to the swap (default true). */
  safetyBackup?: boolean;
  /** Recorded in the safety backup's manifest: the commit and images that ran with that data, and why it was taken. */
  safetyRecord?: Omit<BackupInput, 'environment'>;
  /** Called once the restore can no longer be cancelled: just before the swap changes the target. */
  onPointOfNoReturn?: () => void | Promise<void>;
}

export interface RestoreResult {
  backupId: string;
  database: string;
  tables: number;
  rows: number;
  safetyBackup?: BackupRecord;
  /** Objects the restoring account could not give back to their DEFINER: now its own (`PROCEDURE add_parent, was staging_user@%`). */
  changedOwner: string[];
  durationMs: number;
}

/** Whether the manifest's index of gzip members covers the dump exactly (else the dump is read front to back). */
function partsTileFile(parts: readonly DumpPart[] | undefined, bytes: number): boolean {
  if (!parts || parts.length < 2) return false;
  let next = 0;
  for (const part of parts) {
    if (part.offset !== next || part.bytes <= 0) return false;
    next += part.bytes;
  }
  return next === bytes;
}

/** Where each sequence of the scratch database stands against the manifest, one sentence per difference. */
async function compareSequences(admin: Connection, scratch: string, expected: NonNullable<BackupManifest['sequences']>): Promise<string[]> {
  const problems: string[] = [];
  const present = new Set(await sequenceNames(admin, scratch));
  for (const sequence of expected) {
    if (!present.has(sequence.name)) {
      problems.push(`sequence ${sequence.name} is missing`);
      continue;
    }
    const state = await sequenceState(admin, sequence.name, scratch);
    if (state.next !== sequence.next || state.round !== sequence.round) {
      problems.push(`sequence ${sequence.name} stands at ${state.next} (round ${state.round}) instead of ${sequence.next} (round ${sequence.round})`);
    }
  }
  return problems;
}

/** What a restore has opened and made so far: its steps add to it, its failure path reads it. */
interface RestoreSession {
  readonly opened: Connection[];
  admin?: Connection;
  /** The scratch database while it is the restore's to drop. */
  scratch?: string;
  /** Set at the point of no return: a cancel no longer stops the restore, and the target may hold the backup's tables. */
  swapBegun: boolean;
  /** Whether what the target holds is backed up at the swap: asked for, and there is a target to back up. */
  safetyBackup: boolean;
}

async function open(session: RestoreSession, credentials: DatabaseCredentials, database: string | null): Promise<Connection> {
  const connection = await openConnection(credentials, { database });
  session.opened.push(connection);
  return connection;
}

/** How long a restore waits for the target's restore lock before it says another restore runs. */
const OTHER_RESTORE_WAIT_SECONDS = 10;

/**
 * Prepare: the server is one we support, no other restore of the target runs,
 * an interrupted one's leftovers are dealt with, the folder for the safety
 * backup is there, and an empty scratch database waits. Nothing of the target
 * has changed.
 */
async function prepare(session: RestoreSession, deps: RestoreDeps, input: RestoreInput, report: ProgressReporter): Promise<void> {
  const target = deps.credentials.database;
  const admin = session.admin = await open(session, deps.credentials, null);
  const [{ version }] = await rowsOf<{ version: string }>(admin, 'SELECT VERSION() AS version');
  assertSupportedServer(version, describeServer(deps.credentials));
  await admin.query(`SET SESSION lock_wait_timeout = ${Math.max(1, Math.round(deps.lockWaitSeconds ?? 60))}`);
  const lockName = `dual-env-restore:${target}`.slice(0, 64);
  // a restore killed a moment ago holds its lock until the server ends the statement its
  // connection was running: waiting a little tells that apart from a restore that really runs
  const [{ got }] = await rowsOf<{ got: number | null }>(admin, 'SELECT GET_LOCK(?, ?) AS got', [lockName, OTHER_RESTORE_WAIT_SECONDS]);
  if (Number(got) !== 1) throw new UsageError(`Another restore of ${target} on ${describeServer(deps.credentials)} is running (its lock stayed taken for ${OTHER_RESTORE_WAIT_SECONDS} s); wait for it to finish.`);
  await clearLeftovers(admin, target, report);
  const [schema] = await rowsOf<{ charset: string; collation: string }>(admin,
    'SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [target]);

  if (input.safetyBackup === false) {
    report.skipped('safety-backup', 'No safety backup: the caller opted out.');
  } else if (!schema) {
    report.skipped('safety-backup', `No safety backup: database ${target} does not exist yet.`);
  } else {
    // found out now, not after the swap
    await safetyPlace(deps).assertWritable();
    session.safetyBackup = true;
  }
  if (!schema) await admin.query(`CREATE DATABASE ${quoteIdentifier(target)}`);
  const scratch = `${helperPrefix(target, 'restore')}${crypto.randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${quoteIdentifier(scratch)}${schema ? ` CHARACTER SET ${schema.charset} COLLATE ${schema.collation}` : ''}`);
  session.scratch = scratch;
}

function backupPlace(deps: RestoreDeps): BackupPlace {
  if (deps.place) return deps.place;
  if (deps.folder === undefined) throw new UsageError('A restore needs the place of its backup.');
  return folderPlace(deps.folder);
}

function safetyPlace(deps: RestoreDeps): BackupPlace {
  return deps.safetyPlace ?? (deps.safetyFolder === undefined ? backupPlace(deps) : folderPlace(deps.safetyFolder));
}

/**
 * Loads the dump into the scratch database on several connections and checks
 * every table and sequence against the manifest; refuses a backup that did not
 * load as recorded. Returns the statements that make its views, routines,
 * triggers and events.
 */
async function loadAndCheck(session: RestoreSession, deps: RestoreDeps, input: RestoreInput, manifest: BackupManifest, signal: AbortSignal, report: ProgressReporter): Promise<LoadResult> {
  const scratch = session.scratch!;
  const loaders: Connection[] = [];
  for (let i = 0; i < Math.max(1, deps.parallel ?? 3); i++) loaders.push(await open(session, deps.credentials, scratch));
  report.running('load', `Loading ${input.backupId} into scratch database ${scratch}…`, 0);
  const loadStarted = Date.now();
  const onLoad = (p: LoadProgress) => {
    report.running('load', `${p.tablesCreated}/${manifest.tables.length} tables · ${formatBytes(p.bytesRead)} of ${formatBytes(p.totalBytes)} · ${formatRate(p.bytesRead, Date.now() - loadStarted)}`, p.bytesRead / Math.max(1, p.totalBytes));
  };
  const totalRows = manifest.tables.reduce((n, t) => n + t.rows, 0);
  let loaded: LoadResult;
  let actual: TableSummary[];
  const dumpFile = await backupPlace(deps).openDump(input.backupId);
  try {
    if (partsTileFile(manifest.dump.parts, manifest.dump.bytes)) {
      // tables load side by side from their own gzip members, each checksummed as soon as it is in
      const result = await loadDumpByParts(dumpFile, manifest.dump.parts ?? [], loaders, scratch, manifest.checksumAlgorithm, signal, onLoad);
      loaded = result;
      actual = result.tables;
      report.done('load', `Loaded ${formatCount(loaded.statements)} statements.`);
    } else {
      loaded = await loadDump(dumpFile, loaders, signal, onLoad);
      report.done('load', `Loaded ${formatCount(loaded.statements)} statements.`);
      report.running('check', 'Comparing row counts and checksums with the manifest…');
      let checkedRows = 0;
      actual = await tableChecksums(deps.credentials, scratch, {
        parallel: Math.max(1, deps.parallel ?? 3),
        checksumAlgorithm: manifest.checksumAlgorithm,
        signal,
        onRows: (rows) => { checkedRows += rows; report.running('check', `${formatCount(checkedRows)} of ${formatCount(totalRows)} rows checked`, checkedRows / Math.max(1, totalRows)); },
      });
    }
  } finally {
    await dumpFile.close();
  }
  for (const connection of loaders) await closeQuietly(connection);
  const problems = [...compareTables(manifest.tables, actual), ...await compareSequences(session.admin!, scratch, manifest.sequences ?? [])];
  if (problems.length > 0) {
    throw new RestoreVerificationError(`Backup ${input.backupId} did not load as recorded (${problems.slice(0, 3).join('; ')}); ${deps.credentials.database} was left unchanged.`);
  }
  report.done('check', `All ${manifest.tables.length} tables match the manifest.`);
  return loaded;
}

/** After the swap the restore has happened: a helper database that will not drop is said, not a failed restore. */
async function tidyUp(admin: Connection, helpers: readonly string[], credentials: DatabaseCredentials, report: ProgressReporter): Promise<void> {
  for (const helper of helpers) {
    await admin.query(`DROP DATABASE ${quoteIdentifier(helper)}`).catch((error: unknown) => {
      report.done('cleanup', `Could not drop the helper database ${helper} (${safeMessage(error, credentials)}); drop it by hand.`);
    });
  }
}

/**
 * Drops the scratch database of a restore that stopped before its swap: on the
 * restore's own connection or, when the failure took that one with it (an SSH
 * connection cut, a cancel), on a new one. Returns its name when neither could,
 * for the failure to name it.
 */
async function dropScratch(session: RestoreSession, deps: RestoreDeps): Promise<string | undefined> {
  const scratch = session.scratch;
  if (!scratch) return undefined;
  const drop = async (connection: Connection) => {
    // the server may still be finishing a statement of a cut loader in it: wait for that, not for ever
    await connection.query(`SET SESSION lock_wait_timeout = ${Math.max(1, Math.round(deps.lockWaitSeconds ?? 60))}`);
    await connection.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(scratch)}`);
  };
  for (const connection of [() => Promise.resolve(session.admin!), () => open(session, deps.credentials, null)]) {
    try {
      await drop(await connection());
      session.scratch = undefined;
      return undefined;
    } catch {
      // try the next way; the last failure leaves it named
    }
  }
  return scratch;
}

/** mysql2's words for a connection that went away under a statement, said as what happened (over SSH: the connection was cut). */
function connectionLost(why: string, credentials: DatabaseCredentials): string {
  if (!/closed state|Connection lost|PROTOCOL_CONNECTION_LOST|ECONNRESET/i.test(why)) return why;
  return `the connection to the database${credentials.via ? ` over SSH to ${credentials.via.host}` : ''} was lost (${why})`;
}

/**
 * The one error a failed restore ends with, saying where the target stands: a
 * cancel before the swap, or what went wrong; and, when the server could not be
 * reached to drop it, the scratch database that is left and what removes it.
 */
async function recover(session: RestoreSession, error: unknown, deps: RestoreDeps, input: RestoreInput, signal: AbortSignal): Promise<Error> {
  const target = deps.credentials.database;
  // a cancel before the swap destroyed the connections and is what stopped the restore; during the swap it did neither
  const cancelled = signal.aborted && !session.swapBegun;
  const left = await dropScratch(session, deps);
  const leftover = left ? `; its scratch database ${left} is left on the server: the next restore removes it, or drop it by hand` : '';
  if (cancelled) return new CancelledError(`Restore of ${input.backupId} cancelled; ${target} was left unchanged${leftover}.`);
  // past the swap's start an engine error says where the target stands (SafetyBackupFailedError, a failed swap)
  if (isEngineError(error) && (session.swapBegun || !leftover || error instanceof UsageError)) return error as Error;
  const why = connectionLost(safeMessage(error, deps.credentials).replace(/[.;\s]+$/, ''), deps.credentials);
  // an engine error already says what went wrong (an SSH sentence, a refused backup), and some say the target is unchanged
  const unchanged = /left unchanged$/.test(why) ? '' : `; ${target} was left unchanged`;
  const remedies = isEngineError(error) ? (error as DualEnvError).remedies : undefined;
  return new DatabaseError(`Restore of ${input.backupId} into ${target} on ${describeServer(deps.credentials)} failed: ${why}${unchanged}${leftover}.`, { cause: error, remedies });
}

/**
 * Backs up the holding database the swap filled (every row written up to the
 * swap is in it) as the target's safety backup. Until that backup is verified
 * the holding database is the only copy of that state: a failure keeps it and
 * says where it is.
 */
async function secureMovedAside(deps: RestoreDeps, input: RestoreInput, manifest: BackupManifest, aside: { hold: string; objects: readonly SchemaObject[] }, onProgress: ProgressListener | undefined): Promise<BackupRecord> {
  const target = deps.credentials.database;
  try {
    return await backUpMovedAside(
      { credentials: deps.credentials, place: safetyPlace(deps), holdingDatabase: aside.hold, objects: aside.objects, dump: deps.dump },
      { environment: deps.environment ?? manifest.environment, reason: `safety copy before restoring ${input.backupId}`, ...input.safetyRecord },
      // past the point of no return: nothing may stop the one copy of the previous state being written
      new AbortController().signal,
      (event) => onProgress?.({ ...event, step: 'safety-backup' }),
    );
  } catch (error) {
    // the empty scratch database goes with the restore's failure path (recover); the holding database stays
    throw new SafetyBackupFailedError(`${target} holds backup ${input.backupId} now, but the safety backup of what it held before failed (${safeMessage(error, deps.credentials)}); that data is kept whole in database ${aside.hold} on ${describeServer(deps.credentials)}: back it up, then drop it.`, aside.hold, { cause: error });
  }
}

/**
 * Restores a backup into the database of `deps.credentials`: refuses a backup
 * whose files do not match its manifest, loads the dump into a fresh scratch
 * database while the application keeps using the target, checks every table's
 * row count and checksum against the manifest, and only then swaps the tables
 * in, in one RENAME TABLE that moves the target's own aside. Interrupted at any
 * point before the swap, the target is untouched. What was moved aside is the
 * target's state at the swap, every committed write included: it becomes the
 * safety backup (unless told not to) before it is dropped.
 */
export async function restoreBackup(
  deps: RestoreDeps,
  input: RestoreInput,
  signal: AbortSignal,
  onProgress?: ProgressListener,
): Promise<RestoreResult> {
  const report = progressReporter(onProgress);
  const started = Date.now();
  const target = deps.credentials.database;
  report.running('verify', `Checking backup ${input.backupId}…`);
  const manifest = await backupPlace(deps).assertRestorable(input.backupId, signal);
  report.done('verify', `Backup ${input.backupId} is intact (sha256 matches).`);

  const session: RestoreSession = { opened: [], swapBegun: false, safetyBackup: false };
  const stopAbort = abortWith(signal, () => session.opened);
  try {
    await prepare(session, deps, input, report);
    const loaded = await loadAndCheck(session, deps, input, manifest, signal, report);
    const targetConnection = await open(session, deps.credentials, target);
    const objectsBefore = session.safetyBackup ? await readObjectsBeforeSwap(targetConnection, target, describeServer(deps.credentials)) : [];
    if (signal.aborted) throw new CancelledError();

    // the point of no return: a cancel would only risk leaving the swap half-reported, so it runs to its end
    stopAbort();
    session.swapBegun = true;
    // awaited: the caller may record, ahead of the swap, that it is about to happen
    await input.onPointOfNoReturn?.();
    report.running('swap', `Swapping the restored tables into ${target}…`);
    const { hold, changedOwner } = await swapIn(session.admin!, targetConnection, target, session.scratch!, loaded.objectStatements);
    report.done('swap', `${target} now holds backup ${input.backupId}.`);
    if (changedOwner.length > 0) {
      report.done('owners', `${describeServer(deps.credentials)} may not create objects for other accounts, so these are now its own: ${changedOwner.join(', ')}.`);
    }
    const safetyBackup = session.safetyBackup ? await secureMovedAside(deps, input, manifest, { hold, objects: objectsBefore }, onProgress) : undefined;
    await tidyUp(session.admin!, [hold, session.scratch!], deps.credentials, report);
    session.scratch = undefined;
    const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
    return { backupId: input.backupId, database: target, tables: manifest.tables.length, rows, safetyBackup, changedOwner, durationMs: Date.now() - started };
  } catch (error) {
    throw await recover(session, error, deps, input, signal);
  } finally {
    stopAbort();
    for (const connection of session.opened) destroyQuietly(connection);
  }
}
