import fs from 'node:fs';
import path from 'node:path';
import type { ProgressListener } from '../common/progress';
import type { DatabaseCredentials } from '../config/credentials';
import {
  applyRetention, assertRestorable, createBackup, deleteBackup, findBackup, listBackups, verifyBackup,
  type BackupInput, type RetentionResult, type VerifyResult,
} from './backupStore';
import { fileDumpSource, type DumpSource } from './dumpLoader';
import type { DumpOptions } from './dumpWriter';
import { DUMP_FILE, type BackupManifest, type BackupRecord } from './manifest';

/** What a backup is written from: the database to read and how. */
export interface BackupSource {
  credentials: DatabaseCredentials;
  now?: () => Date;
  dump?: Omit<DumpOptions, 'onProgress' | 'onNote'>;
}

/** A dump opened for a restore; `close` releases what reading it holds (a helper container on a remote engine). */
export interface OpenedDump extends DumpSource {
  close(): Promise<void>;
}

/**
 * Where an environment's backups live: a folder on this machine, or a volume on
 * the environment's remote engine, so every teammate sees the same ones. Every
 * backup operation goes through this, so none of them cares which.
 */
export interface BackupPlace {
  /** Names the place in messages: a folder, or a volume and its engine. */
  readonly where: string;
  /** Backups, newest first; damaged ones with `complete: false` and the problem. Reads manifests only. */
  list(signal?: AbortSignal): Promise<BackupRecord[]>;
  find(id: string): Promise<BackupRecord>;
  verify(id: string, signal?: AbortSignal, fileOnly?: boolean): Promise<VerifyResult>;
  /** Throws BackupCorruptError, naming what is wrong, unless the backup's files match its manifest. */
  assertRestorable(id: string, signal?: AbortSignal): Promise<BackupManifest>;
  /** A verified backup, listed only once complete; interrupted, nothing is listed. */
  create(source: BackupSource, input: BackupInput, signal: AbortSignal, onProgress?: ProgressListener): Promise<BackupRecord>;
  delete(id: string): Promise<void>;
  retain(keep: number, protect?: readonly string[]): Promise<RetentionResult>;
  /** Fails now, not after a restore's swap, when a safety backup could not be written here. */
  assertWritable(): Promise<void>;
  openDump(id: string): Promise<OpenedDump>;
  /** Copies one backup into `folder/<id>/` on this machine and verifies the copy; only where backups are not on this machine already. */
  pull?(id: string, folder: string, signal: AbortSignal, onProgress?: ProgressListener): Promise<BackupRecord>;
}

/** Backups as folders `<folder>/<id>/` on this machine (the environment's `backups.folder`). */
export function folderPlace(folder: string): BackupPlace {
  return {
    where: folder,
    list: async () => listBackups(folder),
    find: async (id) => findBackup(folder, id),
    verify: (id, signal, fileOnly) => verifyBackup(folder, id, signal, fileOnly),
    assertRestorable: (id, signal) => assertRestorable(folder, id, signal),
    create: (source, input, signal, onProgress) => createBackup({ ...source, folder }, input, signal, onProgress),
    delete: (id) => deleteBackup(folder, id),
    retain: (keep, protect) => applyRetention(folder, keep, protect),
    async assertWritable() {
      await fs.promises.mkdir(folder, { recursive: true });
      await fs.promises.access(folder, fs.constants.W_OK);
    },
    async openDump(id) {
      findBackup(folder, id);
      return { ...fileDumpSource(path.join(folder, id, DUMP_FILE)), close: async () => undefined };
    },
  };
}
