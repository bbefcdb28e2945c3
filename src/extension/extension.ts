import * as vscode from 'vscode';
import { Ctx } from './context';
import * as commands from './commands';
import { useTranslations } from './l10n';
import { reloadOnChanges } from './reloadTriggers';
import { viewMessage } from './tree/viewMessage';

/** What activate() returns: the context, for the extension-host tests. */
export type DualEnvApi = Ctx;

/** Short on purpose: build the context, register each command by name, read the workspace and keep it read. */
export function activate(context: vscode.ExtensionContext): DualEnvApi {
  // handed over, not wrapped: a wrapper would call l10n.t with a variable, which no export tool can read
  useTranslations(vscode.l10n.t.bind(vscode.l10n));
  const ctx = new Ctx(context);
  const view = vscode.window.createTreeView('dualEnv.environments', { treeDataProvider: ctx.tree, showCollapseAll: true });
  ctx.push(view, ctx.model.onDidChange(() => { view.message = viewMessage(ctx.model.state, ctx.model.problem); }));

  ctx.registerCommand('refresh', commands.refresh);
  ctx.registerCommand('showLog', commands.showLog);
  ctx.registerCommand('createComposeFile', commands.createComposeFile);
  ctx.registerCommand('openComposeFile', commands.openComposeFile);
  ctx.registerCommand('setDatabasePassword', commands.setDatabasePassword);
  ctx.registerCommand('environmentActions', commands.environmentActions);
  ctx.registerCommand('startEnvironment', commands.startEnvironment);
  ctx.registerCommand('stopEnvironment', commands.stopEnvironment);
  ctx.registerCommand('restartEnvironment', commands.restartEnvironment);
  ctx.registerCommand('startContainer', commands.startContainer);
  ctx.registerCommand('stopContainer', commands.stopContainer);
  ctx.registerCommand('restartContainer', commands.restartContainer);
  ctx.registerCommand('openInBrowser', commands.openInBrowser);
  ctx.registerCommand('showLogs', commands.showLogs);
  ctx.registerCommand('stopFollowingLogs', commands.stopFollowingLogs);
  ctx.registerCommand('backupProduction', commands.backupProduction);
  ctx.registerCommand('verifyBackup', commands.verifyBackup);
  ctx.registerCommand('revealBackup', commands.revealBackup);
  ctx.registerCommand('deleteBackup', commands.deleteBackup);
  ctx.registerCommand('loadBackupIntoStaging', commands.loadBackupIntoStaging);
  ctx.registerCommand('deployStaging', commands.deployStaging);
  ctx.registerCommand('deployProduction', commands.deployProduction);
  ctx.registerCommand('deployProductionInMaintenanceWindow', commands.deployProductionInMaintenanceWindow);
  ctx.registerCommand('rollbackProduction', commands.rollbackProduction);
  ctx.registerCommand('rollbackToBackup', commands.rollbackProduction);
  ctx.registerCommand('showDeployHistory', commands.showDeployHistory);
  ctx.registerCommand('unlock', commands.unlockEnvironment);
  ctx.registerCommand('openDatabaseShell', commands.openDatabaseShell);
  ctx.registerCommand('attachShell', commands.attachShell);

  ctx.push(reloadOnChanges(ctx.model));
  // not awaited: the compose file is read with the engine, which loads after activation has returned
  void ctx.model.reload();
  return ctx;
}

export function deactivate(): void {
  // every disposable is in context.subscriptions
}
