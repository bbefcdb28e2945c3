// Production's backups: the group node and one node per backup, newest first.
import type { BackupRecord } from '../../../core/database/manifest';
import { escapeMarkdown, relativeTime } from '../../presentation';
import type { ItemView } from '../itemView';

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** `20261125-143012` → `2026-11-25 14:30:12` (UTC, as the id is). */
export function backupTime(id: string): string {
  const m = /^(\d{4})(\d\d)(\d\d)-(\d\d)(\d\d)(\d\d)(-\d+)?$/.exec(id);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}` : id;
}

export function backupsGroupItem(environmentName: string, backups: readonly BackupRecord[] | undefined): ItemView {
  const verified = backups?.filter((b) => b.verified).length ?? 0;
  return {
    id: `backups:${environmentName}`,
    label: 'Backups',
    description: backups ? `${backups.length} (${verified} verified)` : undefined,
    icon: { id: 'archive' },
    tooltip: 'Backups of the database, newest first. Right-click one to roll back to it, verify, reveal or delete it.',
    contextValue: 'backups',
    collapsible: 'collapsed',
  };
}

export function backupItem(environmentName: string, backup: BackupRecord, now = Date.now()): ItemView {
  const state = backup.verified ? 'verified' : backup.complete ? 'not verified' : 'incomplete';
  const rows: [string, string][] = [
    ['Taken', backup.createdAt ? `${backup.createdAt} (${relativeTime(backup.createdAt, now)})` : backupTime(backup.id)],
    ['Database', backup.database ?? 'unknown'],
    ['Size', formatSize(backup.sizeBytes)],
    ['Rows', backup.rows !== undefined ? String(backup.rows) : 'unknown'],
    ['Commit', backup.gitCommit ?? 'not recorded'],
    ['State', backup.problem ? `${state}: ${backup.problem}` : state],
    ['Folder', backup.path],
  ];
  if (backup.reason) rows.push(['Reason', backup.reason]);
  return {
    id: `backup:${environmentName}:${backup.id}`,
    label: backupTime(backup.id),
    description: [formatSize(backup.sizeBytes), backup.gitCommit?.slice(0, 7), state].filter(Boolean).join(' · '),
    icon: backup.verified ? { id: 'verified-filled', color: 'charts.green' } : { id: 'warning', color: 'charts.yellow' },
    tooltip: [`**Backup ${backup.id}**`, ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${escapeMarkdown(v)} |`)].join('\n')].join('\n\n'),
    contextValue: backup.verified ? 'backup.verified' : 'backup.unverified',
    collapsible: 'none',
  };
}
