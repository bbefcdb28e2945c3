import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stateDir } from './lock';

export type HistoryOperation = 'deploy' | 'rollback';
/**
 * `unfinished`: written ahead of a deploy's steps and replaced by its outcome (same id);
 * still the last word, it says the deploy was running that step when it stopped being
 * heard from (a dropped connection to the server, a killed process).
 */
export type HistoryOutcome = 'succeeded' | 'failed' | 'rolled-back' | 'cancelled' | 'unfinished';

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
  /** The step the operation had entered last when the line was written (an unfinished deploy: where it stopped). */
  step?: string;
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
  /** What the operation saw happen on its way without failing it (a Swarm node lost during the update). */
  notice?: string;
}

export function historyFile(projectDir: string): string {
  return path.join(stateDir(projectDir), 'history.jsonl');
}

/** Fills in who and the id (unless given: a line that replaces an earlier one of the same operation); the caller gives the rest. */
export function newRecord(fields: Omit<HistoryRecord, 'id' | 'user' | 'hostname'> & { id?: string }): HistoryRecord {
  return { id: crypto.randomUUID(), user: os.userInfo().username, hostname: os.hostname(), ...fields };
}

/** Appends one record as one line (one write, so concurrent writers never interleave). */
export function appendHistory(projectDir: string, record: HistoryRecord): void {
  fs.appendFileSync(historyFile(projectDir), `${JSON.stringify(record)}\n`, { encoding: 'utf8', mode: 0o600 });
}

/** Records of the project's history file, oldest first, optionally of one environment. */
export function readHistory(projectDir: string, environment?: string): HistoryRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(historyFile(projectDir), 'utf8');
  } catch {
    return [];
  }
  return parseHistory(text, environment);
}

/**
 * Records of a history's JSON lines, oldest first, optionally of one environment; a
 * damaged line is skipped, and a line replaces an earlier one with the same id (a
 * deploy's outcome replaces its `unfinished` lines), taking its place in the order.
 */
export function parseHistory(text: string, environment?: string): HistoryRecord[] {
  const records = new Map<string, HistoryRecord>();
  for (const [index, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    try {
      const record = JSON.parse(line) as HistoryRecord;
      if (environment && record.environment !== environment) continue;
      const key = typeof record.id === 'string' ? record.id : `line ${index}`;
      records.delete(key);
      records.set(key, record);
    } catch {
      // a line cut short by a crash must not hide the rest of the history
    }
  }
  return [...records.values()];
}

/** The last successful deploy among an environment's records. */
export function lastSuccessfulIn(records: readonly HistoryRecord[]): HistoryRecord | undefined {
  return records.filter((r) => r.operation === 'deploy' && r.outcome === 'succeeded').at(-1);
}

/** The commit running by an environment's records: the last successful deploy or rollback (a rolled-back deploy changes nothing). */
export function liveCommitIn(records: readonly HistoryRecord[]): string | undefined {
  return records.filter((r) => r.outcome === 'succeeded').at(-1)?.commit;
}

/** The last successful deploy of an environment on this machine's engine. */
export function lastSuccessfulDeploy(projectDir: string, environment: string): HistoryRecord | undefined {
  return lastSuccessfulIn(readHistory(projectDir, environment));
}
