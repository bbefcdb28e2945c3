import assert from 'node:assert/strict';
import * as vscode from 'vscode';

suite('Dual Env in the extension host', () => {
  test('activates from the workspace holding docker-compose-dual-env.yml', async () => {
    const extension = vscode.extensions.getExtension('dual-env.dual-env');
    assert.ok(extension, 'the extension dual-env.dual-env is not installed in this host');
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  test('registers every command its package.json contributes', async () => {
    const extension = vscode.extensions.getExtension('dual-env.dual-env');
    const contributed: { command: string }[] = extension?.packageJSON.contributes.commands ?? [];
    assert.ok(contributed.length > 0);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.map((c) => c.command).filter((id) => !registered.has(id)), []);
  });
});
