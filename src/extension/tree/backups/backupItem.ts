// Production's backups: the group node and one node per backup, newest first.
import type { BackupRecord } from '../../../core/database/manifest';
import { l10n } from '../../l10n';
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

/** `problem`: why the last listing failed; the backups listed before it (if any) stay. */
export function backupsGroupItem(environmentName: string, backups: readonly BackupRecord[] | undefined, problem?: string): ItemView {
  const verified = backups?.filter((b) => b.verified).length ?? 0;
  const count = backups ? l10n.t('{0} ({1} verified)', backups.length, verified) : undefined;
  const help = l10n.t('Backups of the database, newest first. The context menu of a backup (Shift+F10) rolls back to it, verifies, reveals or deletes it.');
  return {
    id: `backups:${environmentName}`,
    label: l10n.t('Backups'),
    description: problem ? [count, l10n.t('cannot be listed')].filter(Boolean).join(' · ') : count,
    icon: problem ? { id: 'warning', color: 'charts.yellow' } : { id: 'archive' },
    tooltip: problem ? [help, l10n.t('The last listing failed: {0}', escapeMarkdown(problem))].join('\n\n') : help,
    contextValue: 'backups',
    collapsible: 'collapsed',
  };
}

function stateOf(backup: BackupRecord): string {
  if (backup.verified) return l10n.t('verified');
  return backup.complete ? l10n.t('not verified') : l10n.t('incomplete');
}

/** The tooltip: one plain sentence per paragraph. */
function backupTooltip(backup: BackupRecord, now: number, onServer: boolean): string {
  return [
    `**${l10n.t('Backup {0}', backup.id)}**`,
    backup.createdAt ? l10n.t('Taken {0} ({1}).', backup.createdAt, relativeTime(backup.createdAt, now)) : l10n.t('Taken {0} UTC.', backupTime(backup.id)),
    backup.database ? l10n.t('Database: {0}', escapeMarkdown(backup.database)) : l10n.t('The database is not recorded.'),
    l10n.t('Size: {0}', formatSize(backup.sizeBytes)),
    backup.rows !== undefined ? l10n.t('Rows: {0}', backup.rows) : l10n.t('The number of rows is not recorded.'),
    backup.gitCommit ? l10n.t('Commit: {0}', escapeMarkdown(backup.gitCommit)) : l10n.t('The commit is not recorded.'),
    l10n.t('State: {0}', stateOf(backup)),
    backup.problem ? l10n.t('Problem: {0}', escapeMarkdown(backup.problem)) : undefined,
    onServer ? l10n.t('On the server: {0}', escapeMarkdown(backup.path)) : l10n.t('Folder: {0}', escapeMarkdown(backup.path)),
    backup.reason ? l10n.t('Reason: {0}', escapeMarkdown(backup.reason)) : undefined,
  ].filter(Boolean).join('\n\n');
}

/**
 * `onServer`: the backup is in the volume on the environment's server, shared with every
 * teammate, not a folder here; its context value says so, so that Reveal is not offered.
 */
export function backupItem(environmentName: string, backup: BackupRecord, now = Date.now(), onServer = false): ItemView {
  return {
    id: `backup:${environmentName}:${backup.id}`,
    label: backupTime(backup.id),
    description: [formatSize(backup.sizeBytes), backup.gitCommit?.slice(0, 7), stateOf(backup)].filter(Boolean).join(' · '),
    icon: backup.verified ? { id: 'verified-filled', color: 'charts.green' } : { id: 'warning', color: 'charts.yellow' },
    tooltip: backupTooltip(backup, now, onServer),
    contextValue: `${backup.verified ? 'backup.verified' : 'backup.unverified'}${onServer ? '.onServer' : ''}`,
    collapsible: 'none',
    // Enter checks the backup, which reads it and changes nothing; never a rollback or a delete
    defaultAction: { command: 'dualEnv.verifyBackup', title: l10n.t('Verify Backup') },
  };
}
