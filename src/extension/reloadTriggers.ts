import path from 'node:path';
import * as vscode from 'vscode';
import type { WorkspaceModel } from './workspaceModel';

/** File events come in bursts (an editor's save, a git checkout); one reload after they settle is enough. */
const SETTLE_MS = 300;

/**
 * Reloads the model whenever what it was read from changes: the compose file on disk
 * (edited outside VS Code, created without the Create command, deleted), the
 * workspace folders, the dualEnv.* settings, and the workspace being trusted.
 */
export function reloadOnChanges(model: WorkspaceModel): vscode.Disposable {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reloadSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void model.reload(), SETTLE_MS);
  };

  // the watched path follows dualEnv.composeFile and the folder, so it is checked after each change of the model
  let watchedFile: string | undefined;
  let watcher: vscode.FileSystemWatcher | undefined;
  const watchComposeFile = () => {
    const file = model.composeFilePath();
    if (file === watchedFile) return;
    watcher?.dispose();
    watchedFile = file;
    watcher = file ? vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file))) : undefined;
    watcher?.onDidCreate(reloadSoon);
    watcher?.onDidChange(reloadSoon);
    watcher?.onDidDelete(reloadSoon);
  };
  watchComposeFile();

  const subscriptions = [
    model.onDidChange(watchComposeFile),
    vscode.workspace.onDidChangeWorkspaceFolders(reloadSoon),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('dualEnv')) void model.reload(); }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void model.reload()),
  ];
  return {
    dispose() {
      clearTimeout(timer);
      watcher?.dispose();
      for (const subscription of subscriptions) subscription.dispose();
    },
  };
}
