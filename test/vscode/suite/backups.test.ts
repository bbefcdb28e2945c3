import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as vscode from 'vscode';
import type { TreeNode } from '../../../src/extension/tree/environmentsTree';
import { dualEnv, until, withUserInput, project } from './api';
import { ScriptedUserInput } from './scriptedUserInput';

type Api = Awaited<ReturnType<typeof dualEnv>>;

async function backupNodes(api: Api): Promise<Extract<TreeNode, { kind: 'backup' }>[]> {
  const production = (await api.tree.getChildren()).find((node) => node.kind === 'environment' && node.environment.isProduction);
  assert.ok(production, 'no Production node');
  const group = (await api.tree.getChildren(production)).find((node) => node.kind === 'backups');
  assert.ok(group, 'no Backups node under Production');
  return (await api.tree.getChildren(group)).filter((node): node is Extract<TreeNode, { kind: 'backup' }> => node.kind === 'backup');
}

suite('production backups from the tree', () => {
  test('Back Up Production Now adds a verified backup; Verify passes; Delete asks first', async () => {
    const api = await dualEnv();
    await until(api, () => project(api).statusOf('production')?.health === 'healthy', 'production to be healthy');
    const before = new Set((await backupNodes(api)).map((node) => node.backup.id));
    await vscode.commands.executeCommand('dualEnv.backupProduction', 'production');
    const created = (await backupNodes(api)).filter((node) => !before.has(node.backup.id));
    assert.equal(created.length, 1, 'exactly one new backup in the tree');
    const [node] = created;
    try {
      const view = api.tree.viewOf(node);
      assert.equal(view.contextValue, 'backup.verified');
      assert.match(view.description ?? '', /verified$/);
      assert.ok(fs.existsSync(node.backup.path));

      const quiet = new ScriptedUserInput([]);
      await withUserInput(api, quiet, async () => { await vscode.commands.executeCommand('dualEnv.verifyBackup', node); });
      quiet.assertDone(); // no error was shown

      const cancel = new ScriptedUserInput([{ confirm: 'Cancel' }]);
      await withUserInput(api, cancel, async () => { await vscode.commands.executeCommand('dualEnv.deleteBackup', node); });
      cancel.assertDone();
      assert.match(cancel.asked[0], /^confirm: Delete backup .* of Production\?$/);
      assert.ok(fs.existsSync(node.backup.path), 'Cancel deleted the backup');

      const confirm = new ScriptedUserInput([{ confirm: 'Delete Backup' }]);
      await withUserInput(api, confirm, async () => { await vscode.commands.executeCommand('dualEnv.deleteBackup', node); });
      confirm.assertDone();
      assert.ok(!fs.existsSync(node.backup.path));
      assert.ok(!(await backupNodes(api)).some((n) => n.backup.id === node.backup.id));
    } finally {
      fs.rmSync(node.backup.path, { recursive: true, force: true });
    }
  });

  test('Back Up Production Now given staging says why in an error instead of doing nothing', async () => {
    const api = await dualEnv();
    await until(api, () => project(api).config !== undefined, 'the compose file to load');
    const input = new ScriptedUserInput([{ error: undefined }]);
    await withUserInput(api, input, async () => { await vscode.commands.executeCommand('dualEnv.backupProduction', 'staging'); });
    input.assertDone();
    assert.equal(input.asked[0], 'error: Staging is not production; Dual Env backs up production\'s database only.');
    assert.deepEqual(input.offered[0], ['Show Log']);
  });

  test('Verify reports a damaged backup as an error with Show Log', async () => {
    const api = await dualEnv();
    await vscode.commands.executeCommand('dualEnv.backupProduction', 'production');
    const [node] = await backupNodes(api);
    try {
      const dump = `${node.backup.path}/dump.sql.gz`;
      fs.appendFileSync(dump, Buffer.from('tampered'));
      const input = new ScriptedUserInput([{ error: undefined }]);
      await withUserInput(api, input, async () => { await vscode.commands.executeCommand('dualEnv.verifyBackup', node); });
      input.assertDone();
      assert.match(input.asked[0], /^error: Backup \S+ of Production is damaged: .*sha256/);
    } finally {
      fs.rmSync(node.backup.path, { recursive: true, force: true });
    }
  });
});
