// A production on a server keeps its backups in a volume there: the tree lists those
// (not the folder on this machine), and Verify and Delete act on them there. The driver
// made the project (its database on the rig's remote server) and one backup in the volume;
// this suite opens the project as a third folder and closes it again.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { TreeNode } from '../../../src/extension/tree/environmentsTree';
import type { ProjectModel } from '../../../src/extension/workspace/projectModel';
import { dualEnv, until, withUserInput } from './api';
import { ScriptedUserInput } from './scriptedUserInput';

type Api = Awaited<ReturnType<typeof dualEnv>>;
type BackupNode = Extract<TreeNode, { kind: 'backup' }>;

/** The project the driver made, its backup on the server, or why the driver could not. */
function remoteSetup(): { dir: string; backupId: string } {
  const problem = process.env.DUAL_ENV_TEST_REMOTE_PROBLEM;
  if (problem) assert.fail(`the driver could not prepare the remote server: ${problem}`);
  const dir = process.env.DUAL_ENV_TEST_REMOTE_PROJECT;
  const backupId = process.env.DUAL_ENV_TEST_REMOTE_BACKUP;
  assert.ok(dir && backupId, 'the driver named no remote project');
  return { dir, backupId };
}

/** The Backups node's rows under the project's Production, and the node's own text (it says why a listing failed). */
async function productionBackups(api: Api, project: ProjectModel): Promise<{ nodes: BackupNode[]; group: string }> {
  const folder = (await api.tree.getChildren()).find((n) => n.kind === 'folder' && n.project.key === project.key);
  assert.ok(folder, `no folder node for ${project.name}`);
  const production = (await api.tree.getChildren(folder)).find((n) => n.kind === 'environment' && n.environment.isProduction);
  assert.ok(production, 'no Production node');
  const group = (await api.tree.getChildren(production)).find((n) => n.kind === 'backups');
  assert.ok(group, 'no Backups node under Production');
  const nodes = (await api.tree.getChildren(group)).filter((n): n is BackupNode => n.kind === 'backup');
  const view = api.tree.viewOf(group);
  return { nodes, group: `${view.description ?? ''}: ${view.tooltip ?? ''} (PATH ${process.env.PATH})` };
}

suite('backups of a production on a server', () => {
  let added: vscode.Uri | undefined;

  suiteTeardown(async function () {
    this.timeout(90_000);
    if (!added) return;
    const key = added.toString();
    const index = vscode.workspace.workspaceFolders?.findIndex((f) => f.uri.toString() === key) ?? -1;
    if (index >= 0) vscode.workspace.updateWorkspaceFolders(index, 1);
    // the suites after this one run with one project again: a palette command must not ask which folder
    const api = await dualEnv();
    await until(api, () => api.model.projectByKey(key) === undefined, 'the remote project to be gone', 60_000);
  });

  test('the tree lists the backups in the server\'s volume; Verify and Delete act on them there', async function () {
    this.timeout(300_000);
    const { dir, backupId } = remoteSetup();
    const api = await dualEnv();
    added = vscode.Uri.file(dir);
    const key = added.toString();
    assert.ok(vscode.workspace.updateWorkspaceFolders(vscode.workspace.workspaceFolders?.length ?? 0, 0, { uri: added, name: 'remote-project' }), 'the folder was not added');
    await until(api, () => api.model.projectByKey(key)?.config !== undefined, 'the remote project to load', 60_000);
    const project = api.model.projectByKey(key)!;
    const production = project.config!.environments.find((e) => e.isProduction)!;
    assert.match(production.dockerHost ?? '', /^ssh:\/\//);

    const before = await productionBackups(api, project);
    const listed = before.nodes.find((n) => n.backup.id === backupId);
    assert.ok(listed, `the tree lists ${backupId}, the backup in the server's volume; it shows ${before.nodes.map((n) => n.backup.id).join(', ') || 'none'} (${before.group})`);
    assert.equal(fs.existsSync(path.join(production.backups.folder, backupId)), false, 'the backup is not in the folder on this machine');
    const view = api.tree.viewOf(listed);
    assert.equal(view.contextValue, 'backup.verified.onServer');
    assert.match(view.tooltip ?? '', /^On the server: volume dual-env-backups\.\S+ on ssh:\/\//m);

    const quiet = new ScriptedUserInput([]);
    await withUserInput(api, quiet, async () => { await vscode.commands.executeCommand('dualEnv.verifyBackup', listed); });
    quiet.assertDone(); // verified on the server: no error was shown

    const confirm = new ScriptedUserInput([{ confirm: 'Delete Backup' }]);
    await withUserInput(api, confirm, async () => { await vscode.commands.executeCommand('dualEnv.deleteBackup', listed); });
    confirm.assertDone();
    assert.match(confirm.asked[0], /^confirm: Delete backup .* of Production\?$/);
    assert.match(confirm.details[0], /is removed from the server; nobody can roll production back to it afterwards\.$/);
    assert.ok(!(await productionBackups(api, project)).nodes.some((n) => n.backup.id === backupId), 'the deleted backup is no longer listed from the server');
  });
});
