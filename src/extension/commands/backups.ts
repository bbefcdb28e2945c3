import * as vscode from 'vscode';
import type { CommandFactory, Ctx } from '../context';
import { loadEngine } from '../engineLoader';
import { backUpAble } from '../environmentChoice';
import type { TreeNode } from '../tree/environmentsTree';
import { backupTime } from '../tree/backups/backupItem';

type BackupNode = Extract<TreeNode, { kind: 'backup' }>;

function backupNode(node: unknown, command: string): BackupNode {
  const candidate = node as TreeNode | undefined;
  if (candidate?.kind !== 'backup') throw new Error(`${command} works on a backup under Production › Backups in the Environments view.`);
  return candidate;
}

/** Back Up Production Now: a verified backup of the database, then the retention policy (as `dual-env backup`). */
export const backupProduction: CommandFactory = (ctx) => async (arg?: unknown) => {
  if (!ctx.requireTrust('back up production', 'it would send the database password to the host the compose file names')) return;
  const config = ctx.model.config;
  const environment = await ctx.environmentOf(arg, 'Back Up Now', backUpAble);
  if (!config || !environment?.database) return;
  const engine = await loadEngine();
  const docker = engine.dockerClientFor(environment);
  const record = await ctx.withProgress(`Back Up ${environment.label}`, (signal, onProgress) =>
    engine.backupDatabase({ config, environment, secrets: ctx.secrets, docker }, { reason: 'backup from VS Code' }, signal, onProgress));
  ctx.tree.refreshBackups();
  void vscode.window.showInformationMessage(`Backup ${record.id} of ${environment.label} is written and verified (${record.rows ?? 0} rows).`);
};

export const verifyBackup: CommandFactory = (ctx) => async (node?: unknown) => {
  const { environment, backup } = backupNode(node, 'Verify');
  const engine = await loadEngine();
  const result = await ctx.withProgress(`Verify Backup ${backupTime(backup.id)}`, (signal) => engine.verifyBackup(environment.backups.folder, backup.id, signal));
  ctx.tree.refreshBackups();
  if (!result.ok) throw new Error(`Backup ${backup.id} of ${environment.label} is damaged: ${result.problems.join('; ')}. Do not roll back to it.`);
  ctx.log.info(`Backup ${backup.id} verified.`);
  void vscode.window.showInformationMessage(`Backup ${backup.id} is intact: its sha256 matches the manifest and the dump is whole.`);
};

export const revealBackup: CommandFactory = () => async (node?: unknown) => {
  const { backup } = backupNode(node, 'Reveal');
  const uri = vscode.Uri.file(backup.path);
  // a browser or remote window has no OS file manager; the Explorer is the next best
  const local = vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName;
  await vscode.commands.executeCommand(local ? 'revealFileInOS' : 'revealInExplorer', uri);
};

async function confirmDelete(ctx: Ctx, node: BackupNode): Promise<boolean> {
  return ctx.userInput.confirm(`Delete backup ${backupTime(node.backup.id)} of ${node.environment.label}?`, {
    detail: `${node.backup.path} is removed from disk; production cannot be rolled back to it afterwards.`,
    confirm: 'Delete Backup',
  });
}

export const deleteBackup: CommandFactory = (ctx) => async (node?: unknown) => {
  if (!ctx.requireTrust('delete backups', 'the compose file names the folder it would delete from')) return;
  const target = backupNode(node, 'Delete');
  if (!(await confirmDelete(ctx, target))) return;
  const engine = await loadEngine();
  await engine.deleteBackup(target.environment.backups.folder, target.backup.id);
  ctx.log.info(`Deleted backup ${target.backup.id} (${target.backup.path}).`);
  ctx.tree.refreshBackups();
};
