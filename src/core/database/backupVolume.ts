import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type Docker from 'dockerode';
import { DualEnvError, UsageError, errorMessage } from '../common/errors';
import { progressReporter, type ProgressListener } from '../common/progress';
import type { BackupPlace, BackupSource, OpenedDump } from './backupPlace';
import { PARTIAL_PREFIX, manifestOf, verifyBackup, type BackupInput, type RetentionResult, type VerifyResult } from './backupStore';
import { callDocker, isApiError } from '../docker/client';
import { DUMP_END_MARKER } from './dumpFormat';
import { writeDump } from './dumpWriter';
import { BackupCorruptError, BackupNotFoundError, DatabaseError } from './errors';
import { HelperContainer, PARTIAL_LABEL, TarUpload, VOLUME_LABEL, VOLUME_MOUNT, shellWord } from './helperContainer';
import {
  BACKUP_ID, DUMP_FILE, MANIFEST_FILE, backupIdFor, compareNewestFirst, recordFrom, type BackupManifest, type BackupRecord, type DumpPart,
} from './manifest';
import { dumpProgressLines, formatBytes, formatCount } from './progressText';

export interface BackupVolume {
  docker: Docker;
  /** The engine, for messages (`ssh://deploy@server`). */
  engine: string;
  /** `dual-env-backups.<compose project>.<environment>` */
  volume: string;
  /** An image the engine holds, with sh and coreutils: the database service's. */
  image: () => Promise<string>;
  /** A failed backup's sentence in the words of where the database runs (a Swarm task replaced under it), or undefined to keep it. */
  explainFailure?: (failure: Error) => Promise<Error | undefined>;
}

/** The volume that holds an environment's backups on its engine. */
export function backupVolumeName(projectName: string, environment: string): string {
  return `dual-env-backups.${projectName}.${environment}`;
}

function checkId(id: string): void {
  if (!BACKUP_ID.test(id)) throw new UsageError(`"${id}" is not a backup id; ids look like 20250131-235959 (see \`dual-env backups <env>\`).`);
}

/**
 * An environment's backups in a volume on its (remote) engine: every teammate
 * lists, verifies and restores the same ones, and a dump never lands on a
 * laptop unless pulled. Same layout and promises as a backups folder: a backup
 * is `<id>/dump.sql.gz` + `manifest.json`, written under `.partial-…` and
 * renamed to its id only once verified.
 */
export function volumePlace(target: BackupVolume): BackupPlace {
  const where = `volume ${target.volume} on ${target.engine}`;

  const helper = async (options: { partial?: string; readOnly?: boolean } = {}) => {
    const image = await target.image();
    return HelperContainer.start(target.docker, { image, volume: target.volume, ...options });
  };
  const withHelper = async <T>(work: (h: HelperContainer) => Promise<T>, options?: { readOnly?: boolean }): Promise<T> => {
    const h = await helper(options);
    try {
      return await work(h);
    } finally {
      h.close();
    }
  };

  /**
   * `.partial-…` folders whose writer is alive: a running helper on the engine names them. A
   * helper writes its folder only once it runs, so one still being created has none yet.
   */
  const volumeExists = () => callDocker(target.docker, () => target.docker.getVolume(target.volume).inspect()).then(() => true, (error: unknown) => {
    if (isApiError(error) && error.statusCode === 404) return false;
    throw error;
  });
  const livePartials = async (): Promise<string[]> => {
    const containers = await target.docker.listContainers({ filters: { label: [`${VOLUME_LABEL}=${target.volume}`], status: ['running'] } });
    return containers.map((c) => c.Labels?.[PARTIAL_LABEL]).filter((p): p is string => Boolean(p));
  };

  const recordsFrom = (output: string, marker: string): BackupRecord[] => output.split(`${marker} `).slice(1).map((block) => {
    const newline = block.indexOf('\n');
    const [id, size] = block.slice(0, newline).split(' ');
    const text = block.slice(newline + 1);
    return recordFrom(id, `${where}:${id}`, Number(size), text.startsWith('-') ? undefined : text.slice(1));
  });

  /** Manifests and dump sizes only: listing never reads a dump. */
  const readRecords = async (h: HelperContainer, ids?: readonly string[]): Promise<BackupRecord[]> => {
    const marker = `@@backup-${crypto.randomBytes(4).toString('hex')}`;
    const output = await h.run([
      `cd ${VOLUME_MOUNT}`,
      `for d in ${ids ? ids.map(shellWord).join(' ') : '*'}; do`,
      '  case "$d" in [0-9]*) ;; *) continue ;; esac',
      '  [ -d "$d" ] || continue',
      `  printf '%s %s %s\\n' ${marker} "$d" "$(stat -c %s "$d/${DUMP_FILE}" 2>/dev/null || echo -1)"`,
      `  if [ -f "$d/${MANIFEST_FILE}" ]; then printf +; cat "$d/${MANIFEST_FILE}"; else printf -; fi`,
      'done',
    ].join('\n'));
    return recordsFrom(output, marker).filter((r) => BACKUP_ID.test(r.id)).sort(compareNewestFirst);
  };

  const find = async (h: HelperContainer, id: string): Promise<BackupRecord> => {
    checkId(id);
    const [record] = await readRecords(h, [id]);
    if (!record) throw new BackupNotFoundError(`There is no backup ${id} in ${where}; list them with \`dual-env backups <env>\`.`);
    return record;
  };

  const removeFolders = (h: HelperContainer, names: readonly string[]) => (names.length === 0 ? Promise.resolve('') : h.run(`cd ${VOLUME_MOUNT} && rm -rf -- ${names.map(shellWord).join(' ')} && sync`));

  /** Deletes `.partial-…` folders no live writer names: what a cut connection or a killed laptop left. */
  const clearAbandoned = async (h: HelperContainer): Promise<void> => {
    const live = new Set(await livePartials());
    const output = await h.run(`cd ${VOLUME_MOUNT} && for p in ${PARTIAL_PREFIX}*; do [ -e "$p" ] && printf '%s\\n' "$p"; done; true`);
    const abandoned = output.split('\n').filter((p) => p.startsWith(PARTIAL_PREFIX) && !live.has(p));
    await removeFolders(h, abandoned);
  };

  const verifyWith = async (h: HelperContainer, id: string, signal?: AbortSignal, fileOnly = false): Promise<VerifyResult> => {
    const record = await find(h, id);
    const problems: string[] = record.problem ? [record.problem] : [];
    const manifest = record.manifest;
    if (!manifest || !record.complete) return { record, ok: problems.length === 0, problems };
    // the server reads its own disk: a dump is checked without crossing the network
    const actual = (await h.run(`sha256sum ${shellWord(`${VOLUME_MOUNT}/${id}/${DUMP_FILE}`)}`)).trim().split(/\s+/)[0];
    if (actual !== manifest.dump.sha256) problems.push(`${DUMP_FILE} has sha256 ${actual.slice(0, 12)}…, the manifest says ${manifest.dump.sha256.slice(0, 12)}…`);
    else if (!fileOnly) {
      // the engine's image need not hold gzip: the dump is streamed through here and decompressed, never stored
      let tail = '';
      try {
        const keepTail = new Writable({ write(chunk: Buffer, _e, callback) { tail = (tail + chunk.toString('latin1')).slice(-200); callback(); } });
        await pipeline(h.read(['cat', `${VOLUME_MOUNT}/${id}/${DUMP_FILE}`]), zlib.createGunzip(), keepTail, { signal });
        if (!tail.includes(DUMP_END_MARKER)) problems.push(`${DUMP_FILE} does not end with the end marker; it is truncated`);
      } catch (error) {
        problems.push(`${DUMP_FILE} is not a whole gzip stream (${errorMessage(error)})`);
      }
    }
    return { record, ok: problems.length === 0, problems };
  };

  const assertRestorable = async (id: string, signal?: AbortSignal): Promise<BackupManifest> => {
    const result = await withHelper((h) => verifyWith(h, id, signal, true), { readOnly: true });
    if (!result.ok || !result.record.manifest) {
      throw new BackupCorruptError(`Backup ${id} in ${where} cannot be trusted: ${result.problems.join('; ')}. It was not restored; pick another backup.`);
    }
    return result.record.manifest;
  };

  /**
   * On the server: checks each uploaded part against the hash taken here as it was
   * sent, joins them into dump.sql.gz, syncs, and reads the result back for its sha256.
   */
  const joinOnServer = async (h: HelperContainer, partial: string, parts: { name: string; table?: string }[], uploaded: TarUpload) => {
    const files = parts.map((p) => {
      const file = uploaded.files.get(`${partial}/parts/${p.name}`);
      if (!file) throw new DatabaseError(`The dump's part ${p.name} never reached ${where}; no backup was kept.`);
      return { ...file, part: p };
    });
    const names = files.map((f) => shellWord(`parts/${f.part.name}`)).join(' ');
    const output = await h.run([
      `cd ${shellWord(`${VOLUME_MOUNT}/${partial}`)}`,
      `printf '%s  %s\\n' ${files.map((f) => `${f.sha256} ${shellWord(`parts/${f.part.name}`)}`).join(' ')} > parts.sha256`,
      'sha256sum -c --quiet parts.sha256 || exit 4',
      `cat ${names} > ${DUMP_FILE}`,
      `rm -rf parts parts.sha256 && sync`,
      `sha256sum ${DUMP_FILE}; stat -c %s ${DUMP_FILE}`,
    ].join('\n')).catch((error: unknown) => {
      if ((error as { exitCode?: number }).exitCode === 4) throw new BackupCorruptError(`The dump's parts reached ${where} damaged (sha256 mismatch); no backup was kept.`);
      throw error;
    });
    const [sha256, , bytes] = output.trim().split(/\s+/);
    const index: DumpPart[] = [];
    let offset = 0;
    for (const f of files) {
      index.push({ ...(f.part.table === undefined ? {} : { table: f.part.table }), offset, bytes: f.bytes });
      offset += f.bytes;
    }
    if (Number(bytes) !== offset) throw new BackupCorruptError(`The joined dump in ${where} has ${bytes} bytes, its parts ${offset}; no backup was kept.`);
    return { sha256, bytes: offset, index };
  };

  /** Writes the manifest, then renames the folder to the first free id: the one step that makes the backup listed. */
  const publishOnServer = async (h: HelperContainer, partial: string, id: string, manifest: BackupManifest): Promise<string> => {
    for (let n = 1; n < 100; n++) {
      const candidate = n === 1 ? id : `${id}-${n}`;
      const text = Buffer.from(`${JSON.stringify({ ...manifest, id: candidate }, null, 2)}\n`).toString('base64');
      try {
        await h.run([
          `cd ${VOLUME_MOUNT}`,
          `[ ! -e ${shellWord(candidate)} ] || exit 3`,
          `printf %s ${shellWord(text)} | base64 -d > ${shellWord(`${partial}/${MANIFEST_FILE}`)}`,
          // -T: a rename onto an existing folder fails instead of moving the backup inside it
          `sync && mv -T ${shellWord(partial)} ${shellWord(candidate)} && sync`,
        ].join('\n'));
        return candidate;
      } catch (error) {
        if ((error as { exitCode?: number }).exitCode === undefined) throw error;
      }
    }
    throw new DatabaseError(`No free backup id near ${id} in ${where}; no backup was kept.`);
  };

  return {
    where,
    // a listing must not create the volume a helper would mount: an environment that never backed up has none
    list: async () => (await volumeExists()) ? withHelper(async (h) => {
      await clearAbandoned(h);
      return readRecords(h);
    }) : [],
    find: (id) => withHelper((h) => find(h, id), { readOnly: true }),
    verify: (id, signal, fileOnly) => withHelper((h) => verifyWith(h, id, signal, fileOnly), { readOnly: true }),
    assertRestorable,

    async create(source: BackupSource, input: BackupInput, signal: AbortSignal, onProgress?: ProgressListener): Promise<BackupRecord> {
      const report = progressReporter(onProgress);
      const started = (source.now ?? (() => new Date()))();
      const startedMs = Date.now();
      const id = backupIdFor(started);
      const partial = `${PARTIAL_PREFIX}${id}-${crypto.randomBytes(4).toString('hex')}`;
      const starting = helper({ partial });
      starting.catch(() => undefined);
      const upload = new TarUpload(starting, where);
      try {
        report.running('backup', `Backing up ${source.credentials.database} into ${where}…`, 0);
        upload.directory(partial);
        upload.directory(`${partial}/parts`);
        const dump = await writeDump(source.credentials, (name) => upload.file(`${partial}/parts/${name}`), signal, {
          ...source.dump,
          ...dumpProgressLines(report, startedMs),
        });
        await upload.finish().catch((error: unknown) => {
          throw new DatabaseError(`The upload of the dump to ${where} broke (${errorMessage(error)}); no backup was kept.`, { cause: error });
        });
        const h = await starting;
        report.running('backup', `Joining and verifying ${DUMP_FILE} on the server…`, 0.99);
        const written = await joinOnServer(h, partial, dump.parts, upload);
        const manifest = manifestOf({ id, started, startedMs, database: source.credentials.database, input, dump, written });
        const finalId = await publishOnServer(h, partial, id, manifest);
        const record = recordFrom(finalId, `${where}:${finalId}`, written.bytes, JSON.stringify({ ...manifest, id: finalId }));
        report.done('backup', `Backup ${finalId} in ${where}: ${dump.tables.length} tables, ${formatCount(record.rows ?? 0)} rows, ${formatBytes(written.bytes)}.`);
        return record;
      } catch (error) {
        upload.abort();
        // the one sentence to end in: a helper that could not start for a reason of ours (no database
        // container to take its image from), else the dump's own (an SSH failure is said there), else either
        const notStarted = await starting.then(() => undefined, (startError: unknown) => startError);
        const cause = notStarted instanceof DualEnvError || !(error instanceof DualEnvError) ? notStarted ?? error : error;
        const plain = signal.aborted || cause instanceof DualEnvError
          ? cause as Error
          : new DatabaseError(`Backup into ${where} failed (${errorMessage(cause)}); no backup was kept.`, { cause });
        const failure = signal.aborted ? plain : (await target.explainFailure?.(plain).catch(() => undefined)) ?? plain;
        report.failed('backup', errorMessage(failure));
        throw failure;
      } finally {
        // the helper removes the partial folder as it exits, unless it was published
        void starting.then((h) => h.close(), () => undefined);
      }
    },

    delete: (id) => withHelper(async (h) => {
      await find(h, id);
      await removeFolders(h, [id]);
    }),

    retain: (keep, protect = []) => withHelper(async (h): Promise<RetentionResult> => {
      if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`Retention must keep at least 1 backup, not ${keep}.`);
      const warnings: string[] = [];
      await clearAbandoned(h).catch((error: unknown) => warnings.push(`Could not clear leftovers of interrupted backups in ${where} (${errorMessage(error)}).`));
      const backups = await readRecords(h);
      const newestVerified = backups.find((b) => b.verified);
      const doomed = backups.slice(keep).filter((b) => b !== newestVerified && !protect.includes(b.id)).map((b) => b.id);
      try {
        await removeFolders(h, doomed);
      } catch (error) {
        warnings.push(`Could not delete the old backups ${doomed.join(', ')} in ${where} (${errorMessage(error)}); delete them with \`dual-env backups\`.`);
        return { deleted: [], warnings };
      }
      return { deleted: doomed, warnings };
    }),

    async assertWritable() {
      await withHelper((h) => h.run(`touch ${VOLUME_MOUNT}/.writable && rm -f ${VOLUME_MOUNT}/.writable`));
    },

    async openDump(id): Promise<OpenedDump> {
      const h = await helper({ readOnly: true });
      try {
        const record = await find(h, id);
        const file = `${VOLUME_MOUNT}/${id}/${DUMP_FILE}`;
        return {
          label: `${id}/${DUMP_FILE} in ${where}`,
          bytes: record.sizeBytes,
          // each gzip member on its own exec, so a restore's connections load side by side
          open: (range) => h.read(range
            ? ['sh', '-c', 'tail -c +"$1" "$0" | head -c "$2"', file, String(range.offset + 1), String(range.bytes)]
            : ['cat', file]),
          close: async () => h.close(),
        };
      } catch (error) {
        h.close();
        throw error;
      }
    },

    /** Copies one backup to `folder/<id>/` on this machine and verifies the copy; the one way a backup travels. */
    async pull(id, folder, signal, onProgress) {
      const report = progressReporter(onProgress);
      return withHelper(async (h) => {
        const record = await find(h, id);
        if (!record.complete || !record.manifest) throw new BackupCorruptError(`Backup ${id} in ${where} is not complete (${record.problem}); it was not pulled.`);
        if (fs.existsSync(path.join(folder, id))) throw new UsageError(`${path.join(folder, id)} exists already; pull into another folder with --to.`);
        await fs.promises.mkdir(folder, { recursive: true });
        const partial = await fs.promises.mkdtemp(path.join(folder, `${PARTIAL_PREFIX}${id}-`));
        try {
          report.running('pull', `Copying ${formatBytes(record.sizeBytes)} from ${where}…`);
          await pipeline(h.read(['cat', `${VOLUME_MOUNT}/${id}/${DUMP_FILE}`]), fs.createWriteStream(path.join(partial, DUMP_FILE)), { signal });
          await fs.promises.writeFile(path.join(partial, MANIFEST_FILE), `${JSON.stringify(record.manifest, null, 2)}\n`);
          await fs.promises.rename(partial, path.join(folder, id));
        } catch (error) {
          await fs.promises.rm(partial, { recursive: true, force: true });
          throw error;
        }
        report.running('pull', `Verifying the copy in ${path.join(folder, id)}…`);
        const verified = await verifyBackup(folder, id, signal);
        if (!verified.ok) {
          await fs.promises.rm(path.join(folder, id), { recursive: true, force: true });
          throw new BackupCorruptError(`The copy of backup ${id} did not verify (${verified.problems.join('; ')}); it was deleted.`);
        }
        report.done('pull', `Backup ${id} is in ${path.join(folder, id)}, verified.`);
        return verified.record;
      }, { readOnly: true });
    },
  };
}
