import type { HistoryOutcome, HistoryRecord } from './history';

/** One history record in words, cell by cell: the CLI prints them as a line, VS Code as a table row. */
export interface HistoryRow {
  /** When it started, `YYYY-MM-DD HH:MM:SS` in UTC. */
  started: string;
  environment: string;
  outcome: HistoryOutcome;
  /** `deploy <branch> @ <commit>`, `rollback to <backup>`. */
  what: string;
  tag?: string;
  backupId?: string;
  /** `61 s`. */
  took: string;
  /** `user@host`. */
  by: string;
  error?: string;
}

export function historyRow(record: HistoryRecord): HistoryRow {
  const what = record.operation === 'rollback'
    ? `rollback to ${record.restoredBackupId ?? 'an unrecorded backup'}`
    : ['deploy', record.branch, record.commit && `@ ${record.commit.slice(0, 7)}`, record.dirty && '(uncommitted changes)'].filter(Boolean).join(' ');
  return {
    started: record.startedAt.replace('T', ' ').slice(0, 19),
    environment: record.environment,
    outcome: record.outcome,
    what,
    tag: record.tag,
    backupId: record.backupId,
    took: `${Math.round(record.durationMs / 1000)} s`,
    by: `${record.user}@${record.hostname}`,
    // an unfinished line is a deploy still running, or one that stopped being heard from there;
    // a succeeded one may still say what went wrong on the way (a Swarm node lost)
    error: record.error ?? record.notice ?? (record.outcome === 'unfinished' ? `no outcome recorded yet; last step entered: ${record.step ?? 'unknown'}` : undefined),
  };
}

/** Said when an environment (or, without one, the project) has no deploy or rollback recorded. */
export function noHistoryText(label?: string): string {
  return label ? `No deploy or rollback of ${label} has been recorded yet.` : 'No deploy or rollback has been recorded yet.';
}
