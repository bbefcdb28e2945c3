// The deploy history as a markdown document, from the same rows the CLI prints. Pure: unit-tested under Node.
import type { HistoryRecord } from '../core/operations/history';
import { historyRow, noHistoryText } from '../core/operations/historyRows';
import { escapeMarkdown } from './presentation';

export function historyTable(records: readonly HistoryRecord[], projectDir: string): string {
  const header = `# Deploy history\n\n${escapeMarkdown(projectDir)}, newest first.\n`;
  if (records.length === 0) return `${header}\n${noHistoryText()}\n`;
  const rows = [...records].reverse().map((record) => {
    const row = historyRow(record);
    const cells = [row.started, row.environment, row.outcome, row.what, row.tag ?? '', row.backupId ?? '', row.took, row.by, row.error ?? ''];
    return `| ${cells.map((c) => escapeMarkdown(c)).join(' | ')} |`;
  });
  return `${header}\n| Started (UTC) | Environment | Outcome | What | Tag | Backup | Took | By | Error |\n|---|---|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`;
}
