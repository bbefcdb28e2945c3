import path from 'node:path';
import * as vscode from 'vscode';
import type { ProjectModel } from './workspace/projectModel';
import type { WorkspaceModel } from './workspaceModel';

/** File events come in bursts (an editor's save, a git checkout); one reload after they settle is enough. */
const SETTLE_MS = 300;

/**
 * Reloads a folder's project when its compose file changes on disk (edited outside
 * VS Code, created without the Create command, deleted): a folder without one becomes
 * a group the moment one appears. The watched path follows the folder's
 * dualEnv.composeFile, so it is checked after each change of the project.
 */
export function watchComposeFile(project: ProjectModel, reload: () => void): vscode.Disposable {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reloadSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(reload, SETTLE_MS);
  };
  let watchedFile: string | undefined;
  let watcher: vscode.FileSystemWatcher | undefined;
  const watch = () => {
    const file = project.composeFilePath();
    if (file === watchedFile) return;
    watcher?.dispose();
    watchedFile = file;
    watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
    watcher.onDidCreate(reloadSoon);
    watcher.onDidChange(reloadSoon);
    watcher.onDidDelete(reloadSoon);
  };
  watch();
  const subscription = project.onDidChange(watch);
  return {
    dispose() {
      clearTimeout(timer);
      watcher?.dispose();
      subscription.dispose();
    },
  };
}

/**
 * Keeps the model in step with what it was read from: the workspace folders (a group
 * per folder added, none for one removed), each folder's dualEnv.* settings (only the
 * folders a change affects are read again), and the workspace being trusted.
 */
export function reloadOnChanges(model: WorkspaceModel): vscode.Disposable {
  const subscriptions = [
    vscode.workspace.onDidChangeWorkspaceFolders(() => void model.syncFolders()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      for (const project of model.allProjects()) {
        if (e.affectsConfiguration('dualEnv', project.folder.uri)) void model.reloadProject(project);
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void model.reload()),
  ];
  return { dispose: () => { for (const subscription of subscriptions) subscription.dispose(); } };
}
