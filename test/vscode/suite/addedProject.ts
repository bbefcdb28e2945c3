// A project a host suite adds to the workspace as one more folder (the driver made it
// outside the host) and closes again, and the backup rows under its Production: shared
// by the suites whose production keeps its backups away from this machine (on a server,
// on a swarm node).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TreeNode } from '../../../src/extension/tree/environmentsTree';
import type { ProjectModel } from '../../../src/extension/workspace/projectModel';
import { dualEnv, until } from './api';

type Api = Awaited<ReturnType<typeof dualEnv>>;
export type BackupNode = Extract<TreeNode, { kind: 'backup' }>;

/** Adds `dir` as the workspace's last folder, named `name`, and waits for its project to load. */
export async function addProjectFolder(api: Api, dir: string, name: string): Promise<{ uri: vscode.Uri; project: ProjectModel }> {
  const uri = vscode.Uri.file(dir);
  const key = uri.toString();
  assert.ok(vscode.workspace.updateWorkspaceFolders(vscode.workspace.workspaceFolders?.length ?? 0, 0, { uri, name }), 'the folder was not added');
  await until(api, () => api.model.projectByKey(key)?.config !== undefined, `the project ${name} to load`, 60_000);
  return { uri, project: api.model.projectByKey(key)! };
}

/** Removes a folder addProjectFolder added and waits for its project to go: the suites after it run with the folders they expect. */
export async function removeProjectFolder(uri: vscode.Uri | undefined): Promise<void> {
  if (!uri) return;
  const key = uri.toString();
  const index = vscode.workspace.workspaceFolders?.findIndex((f) => f.uri.toString() === key) ?? -1;
  if (index >= 0) vscode.workspace.updateWorkspaceFolders(index, 1);
  const api = await dualEnv();
  await until(api, () => api.model.projectByKey(key) === undefined, `the project in ${uri.fsPath} to be gone`, 60_000);
}

/** The Backups node's rows under the project's Production, and the node's own text (it says why a listing failed). */
export async function productionBackups(api: Api, project: ProjectModel): Promise<{ nodes: BackupNode[]; group: string }> {
  const folder = (await api.tree.getChildren()).find((n) => n.kind === 'folder' && n.project.key === project.key);
  assert.ok(folder, `no folder node for ${project.name}`);
  const production = (await api.tree.getChildren(folder)).find((n) => n.kind === 'environment' && n.environment.isProduction);
  assert.ok(production, 'no Production node');
  const group = (await api.tree.getChildren(production)).find((n) => n.kind === 'backups');
  assert.ok(group, 'no Backups node under Production');
  const nodes = (await api.tree.getChildren(group)).filter((n): n is BackupNode => n.kind === 'backup');
  const view = api.tree.viewOf(group);
  return { nodes, group: `${view.description ?? ''}: ${view.tooltip ?? ''}` };
}
