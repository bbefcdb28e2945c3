// The deploy history as a markdown document. Pure: unit-tested under Node.
import type { HistoryRecord } from '../core/operations/history';
import { escapeMarkdown } from './presentation';

const OUTCOME_MARKS: Record<HistoryRecord['outcome'], string> = { succeeded: '✓', failed: '✗', 'rolled-back': '↩', cancelled: '–' };

export function historyTable(records: readonly HistoryRecord[], projectDir: string): string {
  const header = `# Deploy history\n\n${escapeMarkdown(projectDir)}, newest first.\n`;
  if (records.length === 0) return `${header}\nNo deploy or rollback has been recorded yet.\n`;
  const rows = [...records].reverse().map((r) => {
    const what = r.operation === 'rollback' ? `rollback to ${r.restoredBackupId ?? '?'}` : [r.branch, r.commit?.slice(0, 7), r.dirty ? '(uncommitted changes)' : ''].filter(Boolean).join(' ');
    const cells = [
      r.finishedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      r.environment,
      `${OUTCOME_MARKS[r.outcome]} ${r.outcome}`,
      what,
      r.tag ?? '',
      r.backupId ?? '',
      `${Math.round(r.durationMs / 1000)} s`,
      `${r.user}@${r.hostname}`,
      r.error ?? '',
    ];
    return `| ${cells.map((c) => escapeMarkdown(c)).join(' | ')} |`;
  });
  return `${header}\n| Finished | Environment | Outcome | What | Tag | Backup | Took | By | Error |\n|---|---|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`;
}
