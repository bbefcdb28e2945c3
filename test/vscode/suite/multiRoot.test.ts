// The host opens a multi-root workspace: the rig's project first, then a second project
// (its own compose project name, nothing of it running) whose compose file is named by
// no setting until these tests set the folder's own dualEnv.composeFile.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { escapeMarkdown } from '../../../src/extension/presentation';
import type { TreeNode } from '../../../src/extension/tree/environmentsTree';
import { dualEnv, until, withUserInput } from './api';
import { ScriptedUserInput } from './scriptedUserInput';

type Api = Awaited<ReturnType<typeof dualEnv>>;

function folders(): [vscode.WorkspaceFolder, vscode.WorkspaceFolder] {
  const [first, second] = vscode.workspace.workspaceFolders ?? [];
  assert.ok(first && second, 'the host did not open the two-folder workspace');
  return [first, second];
}

const groupNames = (api: Api) => api.model.projects().map((p) => p.name);

async function pointSecondAtItsComposeFile(api: Api, file: string | undefined): Promise<void> {
  const [, second] = folders();
  await vscode.workspace.getConfiguration('dualEnv', second.uri).update('composeFile', file, vscode.ConfigurationTarget.WorkspaceFolder);
  await until(api, () => api.model.projects().length === (file ? 2 : 1), file ? 'the second folder to become a group' : 'the second folder to leave the groups');
}

async function folderNode(api: Api, folder: vscode.WorkspaceFolder): Promise<Extract<TreeNode, { kind: 'folder' }>> {
  const node = (await api.tree.getChildren()).find((n) => n.kind === 'folder' && n.project.key === folder.uri.toString());
  assert.ok(node?.kind === 'folder', `no folder node for ${folder.uri.fsPath}`);
  return node;
}

async function environmentNode(api: Api, folder: vscode.WorkspaceFolder, environment: string): Promise<Extract<TreeNode, { kind: 'environment' }>> {
  const node = (await api.tree.getChildren(await folderNode(api, folder))).find((n) => n.kind === 'environment' && n.environment.name === environment);
  assert.ok(node?.kind === 'environment', `no ${environment} under ${folder.name}`);
  return node;
}

suite('multi-root workspace', () => {
  suiteTeardown(async () => {
    const api = await dualEnv();
    const [, second] = folders();
    await vscode.workspace.getConfiguration('dualEnv', second.uri).update('composeFile', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    await until(api, () => api.model.projects().length === 1, 'the single group again');
  });

  test('a folder without a compose file makes no group, and one group looks as a single folder does', async () => {
    const api = await dualEnv();
    const [first, second] = folders();
    assert.deepEqual([first.name, second.name], ['rig-project', 'second-project'], 'the workspace file names its folders');
    assert.deepEqual(api.model.allProjects().map((p) => p.name), [first.name, second.name]);
    assert.deepEqual(groupNames(api), [first.name]);
    const roots = await api.tree.getChildren();
    assert.ok(!roots.some((n) => n.kind === 'folder'), 'a single group has no folder level');
    assert.deepEqual(roots.filter((n) => n.kind === 'environment').map((n) => api.tree.viewOf(n).label), ['Staging', 'Production']);
    assert.deepEqual(Object.keys(api.badges.views()), ['staging', 'production']);
  });

  test('the folder\'s own dualEnv.composeFile makes it a group live: a node per folder, each its own project', async () => {
    const api = await dualEnv();
    const [first, second] = folders();
    await pointSecondAtItsComposeFile(api, 'stack.yml');
    assert.deepEqual(groupNames(api), [first.name, second.name]);
    const roots = (await api.tree.getChildren()).filter((n) => n.kind === 'folder');
    assert.deepEqual(roots.map((n) => api.tree.viewOf(n).label), [first.name, second.name]);
    const projectNames = api.model.projects().map((p) => p.config?.projectName);
    assert.ok(projectNames[0] && projectNames[1] && projectNames[0] !== projectNames[1], `one compose project each: ${projectNames.join(', ')}`);
    for (const folder of roots) {
      const environments = (await api.tree.getChildren(folder)).filter((n) => n.kind === 'environment');
      assert.deepEqual(environments.map((n) => api.tree.viewOf(n).label), ['Staging', 'Production']);
      assert.ok(environments.every((n) => n.kind === 'environment' && n.project === (folder.kind === 'folder' && folder.project)), 'an environment row belongs to its folder');
    }
    // nothing of the second project runs: its containers show as absent, the first's as they are
    const secondProject = api.model.projects()[1];
    await until(api, () => secondProject.statusOf('production') !== undefined, 'the second project\'s status');
    assert.ok(secondProject.statusOf('production')?.containers.every((c) => c.state === 'missing'));
    await until(api, () => api.model.projects()[0].statusOf('production')?.health === 'healthy', 'the first project\'s status');
    const badges = api.badges.views();
    assert.deepEqual(Object.keys(badges), [`${first.name}/staging`, `${first.name}/production`, `${second.name}/staging`, `${second.name}/production`]);
    assert.equal(badges[`${first.name}/production`].text, `$(rocket) ${first.name} · Production $(check)`);
    assert.match(badges[`${second.name}/production`].ariaLabel, new RegExp(`^${second.name} · Production `));
  });

  test('a command run on a folder\'s row acts on that folder\'s project; from the palette it asks which folder', async () => {
    const api = await dualEnv();
    const [first, second] = folders();
    if (api.model.projects().length < 2) await pointSecondAtItsComposeFile(api, 'stack.yml');
    // the first folder's database runs and would open a shell; the second's has no container, and says so
    const production = await environmentNode(api, second, 'production');
    const fromRow = new ScriptedUserInput([{ error: undefined }]);
    await withUserInput(api, fromRow, async () => { await vscode.commands.executeCommand('dualEnv.openDatabaseShell', production); });
    fromRow.assertDone();
    assert.match(fromRow.asked[0], /^error: production-database has no container, so no shell can open in it/);

    // first the folder, then that folder's environment, named with its folder
    const fromPalette = new ScriptedUserInput([{ pick: second.name }, { pick: `${second.name} · Production` }, { error: undefined }]);
    await withUserInput(api, fromPalette, async () => { await vscode.commands.executeCommand('dualEnv.openDatabaseShell'); });
    fromPalette.assertDone();
    assert.deepEqual(fromPalette.offered[0], [first.name, second.name]);
    assert.deepEqual(fromPalette.offered[1], [`${second.name} · Staging`, `${second.name} · Production`]);
    assert.match(fromPalette.asked[2], /^error: production-database has no container/);

    // the history a folder's row shows is that folder's project's
    const before = new Set(vscode.workspace.textDocuments);
    await vscode.commands.executeCommand('dualEnv.showDeployHistory', await folderNode(api, second));
    const opened = vscode.workspace.textDocuments.find((d) => !before.has(d) && d.languageId === 'markdown');
    assert.ok(opened, 'no history document opened');
    assert.ok(opened.getText().includes(escapeMarkdown(second.uri.fsPath)), 'the history is not the second folder\'s');
    assert.ok(!opened.getText().includes(escapeMarkdown(first.uri.fsPath)), 'the history names the first folder');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a folder removed and added again leaves and rejoins the groups live', async () => {
    const api = await dualEnv();
    const [first, second] = folders();
    if (api.model.projects().length < 2) await pointSecondAtItsComposeFile(api, 'stack.yml');
    assert.ok(vscode.workspace.updateWorkspaceFolders(1, 1));
    await until(api, () => api.model.allProjects().length === 1, 'the removed folder to leave');
    assert.deepEqual(groupNames(api), [first.name]);
    assert.ok(!(await api.tree.getChildren()).some((n) => n.kind === 'folder'));
    assert.deepEqual(Object.keys(api.badges.views()), ['staging', 'production']);

    assert.ok(vscode.workspace.updateWorkspaceFolders(1, 0, { uri: second.uri, name: second.name }));
    // its own settings come back with it
    await until(api, () => api.model.projects().length === 2, 'the added folder to become a group again');
    assert.deepEqual(groupNames(api), [first.name, second.name]);
    assert.equal((await api.tree.getChildren()).filter((n) => n.kind === 'folder').length, 2);
  });
});
