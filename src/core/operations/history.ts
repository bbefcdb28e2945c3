import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stateDir } from './lock';

export type HistoryOperation = 'deploy' | 'rollback';
export type HistoryOutcome = 'succeeded' | 'failed' | 'rolled-back' | 'cancelled';

/** One line of the deploy history: a deploy or rollback, whatever its outcome. */
export interface HistoryRecord {
  id: string;
  operation: HistoryOperation;
  environment: string;
  user: string;
  hostname: string;
  /** ISO 8601. */
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  outcome: HistoryOutcome;
  commit?: string;
  branch?: string;
  /** The working tree had uncommitted changes that went into the images (staging only). */
  dirty?: boolean;
  tag?: string;
  /** Service → image id that was started. */
  images?: Record<string, string>;
  /** Service → image id that was live before, kept under a rollback tag. */
  previousImages?: Record<string, string>;
  backupId?: string;
  /** Rollback: the backup restored. */
  restoredBackupId?: string;
  message?: string;
  error?: string;
}

export function historyFile(projectDir: string): string {
  return path.join(stateDir(projectDir), 'history.jsonl');
}

/** Fills in who and the id; the caller gives the rest. */
export function newRecord(fields: Omit<HistoryRecord, 'id' | 'user' | 'hostname'>): HistoryRecord {
  return { id: crypto.randomUUID(), user: os.userInfo().username, hostname: os.hostname(), ...fields };
}

/** Appends one record as one line (one write, so concurrent writers never interleave). */
export function appendHistory(projectDir: string, record: HistoryRecord): void {
  fs.appendFileSync(historyFile(projectDir), `${JSON.stringify(record)}\n`, { encoding: 'utf8', mode: 0o600 });
}

/** Records of the project, oldest first, optionally of one environment; a damaged line is skipped. */
export function readHistory(projectDir: string, environment?: string): HistoryRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(historyFile(projectDir), 'utf8');
  } catch {
    return [];
  }
  const records: HistoryRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const record = JSON.parse(line) as HistoryRecord;
      if (!environment || record.environment === environment) records.push(record);
    } catch {
      // a line cut short by a crash must not hide the rest of the history
    }
  }
  return records;
}

/** The last successful deploy of an environment. */
export function lastSuccessfulDeploy(projectDir: string, environment: string): HistoryRecord | undefined {
  return readHistory(projectDir, environment).filter((r) => r.operation === 'deploy' && r.outcome === 'succeeded').at(-1);
}

/** The commit running in an environment by its history: the last successful deploy or rollback (a rolled-back deploy changes nothing). */
export function liveCommit(projectDir: string, environment: string): string | undefined {
  return readHistory(projectDir, environment).filter((r) => r.outcome === 'succeeded').at(-1)?.commit;
}
