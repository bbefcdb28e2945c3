import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
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

  test('runs as a workspace extension in code-server\'s remote extension host, next to Docker', async function () {
    // desktop VS Code with a local folder has no remote; the claim is about code-server (and Remote-SSH, WSL, Dev Containers)
    if (!vscode.env.remoteName) this.skip();
    const extension = vscode.extensions.getExtension('dual-env.dual-env');
    assert.ok(extension);
    assert.equal(extension.extensionKind, vscode.ExtensionKind.Workspace);
    assert.equal(extension.extensionUri.scheme, 'file', 'the extension\'s files are on the host that runs it');
    // it reads the compose file with Node's own fs, from where the workspace is
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    assert.equal(fs.existsSync(path.join(folder.uri.fsPath, 'docker-compose-dual-env.yml')), true);
  });
});
