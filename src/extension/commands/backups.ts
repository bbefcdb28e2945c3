import * as vscode from 'vscode';
import { isRemoteEngine } from '../../core/docker/dockerHost';
import { backupPlaceFor } from '../backupPlace';
import type { CommandFactory, Ctx } from '../context';
import { loadEngine } from '../engineLoader';
import { backUpAble } from '../environmentChoice';
import { l10n } from '../l10n';
import type { TreeNode } from '../tree/environmentsTree';
import { backupTime } from '../tree/backups/backupItem';

type BackupNode = Extract<TreeNode, { kind: 'backup' }>;

/** The backup a command was invoked on, or an Error with the command's `refusal`, a sentence saying where it works. */
function backupNode(node: unknown, refusal: () => string): BackupNode {
  const candidate = node as TreeNode | undefined;
  if (candidate?.kind !== 'backup') throw new Error(refusal());
  return candidate;
}

/** Back Up Production Now: a verified backup of the database, then the retention policy (as `dual-env backup`). */
export const backupProduction: CommandFactory = (ctx) => async (arg?: unknown) => {
  if (ctx.refuseIfUntrusted(l10n.t('Dual Env does not back up production in an untrusted workspace: it would send the database password to the host the compose file names. Trust the folder (Manage Workspace Trust) first.'))) return;
  const target = await ctx.environmentOf(arg, l10n.t('Back Up Now'), backUpAble);
  const config = target?.project.config;
  const environment = target?.environment;
  if (!config || !environment?.database) return;
  const engine = await loadEngine();
  const docker = engine.dockerClientFor(environment);
  const record = await ctx.withProgress(l10n.t('Back Up {0}', environment.label), (signal, onProgress) =>
    engine.backupDatabase({ config, environment, secrets: ctx.secrets, docker }, { reason: 'backup from VS Code' }, signal, onProgress));
  ctx.tree.refreshBackups();
  void vscode.window.showInformationMessage(record.rows === 1
    ? l10n.t('Backup {0} of {1} is written and verified (1 row).', record.id, environment.label)
    : l10n.t('Backup {0} of {1} is written and verified ({2} rows).', record.id, environment.label, record.rows ?? 0));
};

export const verifyBackup: CommandFactory = (ctx) => async (arg?: unknown) => {
  const node = backupNode(arg, () => l10n.t('Verify works on a backup under Production › Backups in the Environments view.'));
  const { environment, backup } = node;
  const place = await backupPlaceFor(node.project, environment);
  const result = await ctx.withProgress(l10n.t('Verify Backup {0}', backupTime(backup.id)), (signal) => place.verify(backup.id, signal));
  ctx.tree.refreshBackups();
  if (!result.ok) throw new Error(l10n.t('Backup {0} of {1} is damaged: {2}. Do not roll back to it.', backup.id, environment.label, result.problems.join('; ')));
  ctx.log.info(`Backup ${backup.id} verified.`);
  void vscode.window.showInformationMessage(l10n.t('Backup {0} is intact: its sha256 matches the manifest and the dump is whole.', backup.id));
};

export const revealBackup: CommandFactory = () => async (node?: unknown) => {
  const { backup, environment } = backupNode(node, () => l10n.t('Reveal works on a backup under Production › Backups in the Environments view.'));
  if (isRemoteEngine(environment)) {
    throw new Error(l10n.t('Backup {0} is on {1}\'s server, not on this machine; copy it here with `dual-env backups pull {2} {0}`.', backup.id, environment.label, environment.name));
  }
  const uri = vscode.Uri.file(backup.path);
  // a browser or remote window has no OS file manager; the Explorer is the next best
  const local = vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName;
  await vscode.commands.executeCommand(local ? 'revealFileInOS' : 'revealInExplorer', uri);
};

async function confirmDelete(ctx: Ctx, node: BackupNode): Promise<boolean> {
  return ctx.userInput.confirm(l10n.t('Delete backup {0} of {1}?', backupTime(node.backup.id), node.environment.label), {
    detail: isRemoteEngine(node.environment)
      ? l10n.t('{0} is removed from the server; nobody can roll production back to it afterwards.', node.backup.path)
      : l10n.t('{0} is removed from disk; production cannot be rolled back to it afterwards.', node.backup.path),
    confirm: l10n.t('Delete Backup'),
  });
}

export const deleteBackup: CommandFactory = (ctx) => async (node?: unknown) => {
  if (ctx.refuseIfUntrusted(l10n.t('Dual Env does not delete backups in an untrusted workspace: the compose file names the folder it would delete from. Trust the folder (Manage Workspace Trust) first.'))) return;
  const target = backupNode(node, () => l10n.t('Delete works on a backup under Production › Backups in the Environments view.'));
  const place = await backupPlaceFor(target.project, target.environment);
  if (!(await confirmDelete(ctx, target))) return;
  await place.delete(target.backup.id);
  ctx.log.info(`Deleted backup ${target.backup.id} (${target.backup.path}).`);
  ctx.tree.refreshBackups();
};

/**
 * Load into Staging: one of production's backups becomes staging's data, after a
 * safety backup of what staging held (as `dual-env restore staging <id> --from production`).
 * Staging is not production, but its data is replaced: it asks in a modal all the same.
 */
export const loadBackupIntoStaging: CommandFactory = (ctx) => async (node?: unknown) => {
  if (ctx.refuseIfUntrusted(l10n.t('Dual Env does not load backups into staging in an untrusted workspace: it would send the database password to the host the compose file names. Trust the folder (Manage Workspace Trust) first.'))) return;
  const target = backupNode(node, () => l10n.t('Load into Staging works on a backup under Production › Backups in the Environments view.'));
  const config = target.project.config;
  const staging = config?.environments.find((e) => !e.isProduction && e.database);
  if (!config || !staging) throw new Error(l10n.t('This project has no staging environment with a database to load the backup into.'));
  const stagingPlace = await backupPlaceFor(target.project, staging);
  const confirmed = await ctx.userInput.confirm(l10n.t('Replace {0}\'s database with backup {1} of {2}?', staging.label, backupTime(target.backup.id), target.environment.label), {
    detail: l10n.t('{0} then holds the data {1} had at {2}. What {0} holds now is kept as a backup in {3} first.', staging.label, target.environment.label, backupTime(target.backup.id), stagingPlace.where),
    confirm: l10n.t('Load into Staging'),
  });
  if (!confirmed) return;
  const engine = await loadEngine();
  const result = await ctx.withProgress(l10n.t('Load Backup {0} into {1}', backupTime(target.backup.id), staging.label), (signal, onProgress) =>
    engine.restoreDatabase({ config, environment: staging, secrets: ctx.secrets }, { backupId: target.backup.id, from: target.environment, safetyBackup: true }, signal, onProgress));
  ctx.tree.refreshBackups();
  ctx.log.info(`Loaded backup ${target.backup.id} of ${target.environment.label} into ${staging.label}${result.safetyBackup ? `; what it held is backup ${result.safetyBackup.id}` : ''}.`);
  void vscode.window.showInformationMessage(result.safetyBackup
    ? l10n.t('{0} now holds backup {1} of {2}; what it held before is backup {3}.', staging.label, target.backup.id, target.environment.label, result.safetyBackup.id)
    : l10n.t('{0} now holds backup {1} of {2}.', staging.label, target.backup.id, target.environment.label));
};
