import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { dualEnv, project, until, withUserInput } from './api';
import { ScriptedUserInput } from './scriptedUserInput';

suite('welcome states of the Environments view', () => {
  test('without a compose file it offers to create one from the reference layout', async () => {
    const api = await dualEnv();
    const section = vscode.workspace.getConfiguration('dualEnv');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder);
    const created = path.join(folder, 'created-by-test.yml');
    try {
      await section.update('composeFile', 'created-by-test.yml', vscode.ConfigurationTarget.Global);
      await until(api, () => api.model.state === 'noComposeFile', 'the noComposeFile state');
      assert.deepEqual(await api.tree.getChildren(), [], 'an empty tree lets the welcome content show');
      // the host's workspace has a second folder without a compose file: the command asks which folder, never takes the first
      const input = new ScriptedUserInput([{ pick: vscode.workspace.workspaceFolders?.[0]?.name ?? '' }]);
      await withUserInput(api, input, async () => { await vscode.commands.executeCommand('dualEnv.createComposeFile'); });
      input.assertDone();
      assert.deepEqual(input.offered[0], vscode.workspace.workspaceFolders?.map((f) => f.name));
      assert.ok(fs.existsSync(created));
      await until(api, () => api.model.state === 'ready', 'the created file to load');
      assert.deepEqual(project(api).environments().map((e) => e.name), ['staging', 'production']);
    } finally {
      await section.update('composeFile', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(created, { force: true });
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
    await until(api, () => api.model.state === 'ready' && project(api).config?.file.endsWith('docker-compose-dual-env.yml') === true, 'the real compose file again');
  });

  test('a compose file written or deleted outside VS Code is picked up without a Refresh', async () => {
    const api = await dualEnv();
    const section = vscode.workspace.getConfiguration('dualEnv');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder);
    const written = path.join(folder, 'written-by-test.yml');
    try {
      await section.update('composeFile', 'written-by-test.yml', vscode.ConfigurationTarget.Global);
      await until(api, () => api.model.state === 'noComposeFile', 'the noComposeFile state');
      // let the file watcher on the new path settle before the file appears
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      fs.copyFileSync(path.join(folder, 'docker-compose-dual-env.yml'), written);
      await until(api, () => api.model.state === 'ready' && project(api).config?.file.endsWith('written-by-test.yml') === true, 'the written file to load');
      fs.rmSync(written);
      await until(api, () => api.model.state === 'noComposeFile', 'the deleted file to be noticed');
    } finally {
      await section.update('composeFile', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(written, { force: true });
    }
    await until(api, () => api.model.state === 'ready' && project(api).config?.file.endsWith('docker-compose-dual-env.yml') === true, 'the real compose file again');
  });

  test('with Docker out of reach it says so, and recovers once Docker answers again', async () => {
    const api = await dualEnv();
    const section = vscode.workspace.getConfiguration('dualEnv');
    try {
      // nothing listens on the discard port of loopback
      await section.update('dockerHost', { staging: 'tcp://127.0.0.1:9', production: 'tcp://127.0.0.1:9' }, vscode.ConfigurationTarget.Global);
      await until(api, () => api.model.state === 'dockerUnreachable', 'the dockerUnreachable state');
      assert.match(api.model.problem ?? '', /Docker cannot be reached .*127\.0\.0\.1:9/);
      assert.deepEqual(await api.tree.getChildren(), []);
    } finally {
      await section.update('dockerHost', undefined, vscode.ConfigurationTarget.Global);
    }
    await vscode.commands.executeCommand('dualEnv.refresh');
    await until(api, () => api.model.state === 'ready' && project(api).statusOf('production')?.health === 'healthy', 'the live status back');
  });

  test('a Docker host that is not an address shows the unreachable state with the reason, not an empty ready view', async () => {
    const api = await dualEnv();
    const section = vscode.workspace.getConfiguration('dualEnv');
    try {
      // rejected while the client is made, before any connection is tried
      await section.update('dockerHost', { staging: 'bogus://nowhere', production: 'bogus://nowhere' }, vscode.ConfigurationTarget.Global);
      await until(api, () => api.model.state === 'dockerUnreachable', 'the dockerUnreachable state');
      assert.match(api.model.problem ?? '', /bogus:\/\/nowhere is not a unix:\/\/, tcp:\/\/ or ssh:\/\/ address/);
      assert.deepEqual(await api.tree.getChildren(), []);
    } finally {
      await section.update('dockerHost', undefined, vscode.ConfigurationTarget.Global);
    }
    await vscode.commands.executeCommand('dualEnv.refresh');
    await until(api, () => api.model.state === 'ready' && project(api).statusOf('production')?.health === 'healthy', 'the live status back');
  });
});
