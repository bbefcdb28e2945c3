// The deploy history as a markdown document, from the same rows the CLI prints. Pure: unit-tested under Node.
import type { HistoryRecord } from '../core/operations/history';
import { historyRow, noHistoryText } from '../core/operations/historyRows';
import { l10n } from './l10n';
import { escapeMarkdown } from './presentation';

export function historyTable(records: readonly HistoryRecord[], projectDir: string): string {
  const header = `# ${l10n.t('Deploy history')}\n\n${l10n.t('{0}, newest first.', escapeMarkdown(projectDir))}\n`;
  if (records.length === 0) return `${header}\n${noHistoryText()}\n`;
  const rows = [...records].reverse().map((record) => {
    const row = historyRow(record);
    const cells = [row.started, row.environment, row.outcome, row.what, row.tag ?? '', row.backupId ?? '', row.took, row.by, row.error ?? ''];
    return `| ${cells.map((c) => escapeMarkdown(c)).join(' | ')} |`;
  });
  const columns = [
    l10n.t('Started (UTC)'), l10n.t('Environment'), l10n.t('Outcome'), l10n.t('What'), l10n.t('Tag'),
    l10n.t('Backup'), l10n.t('Took'), l10n.t('By'), l10n.t('Error'),
  ];
  return `${header}\n| ${columns.join(' | ')} |\n|${columns.map(() => '---').join('|')}|\n${rows.join('\n')}\n`;
}
