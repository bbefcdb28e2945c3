import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { secretKey } from '../../../src/core/config';
import { dualEnv, until, withUserInput } from './api';
import { ScriptedUserInput } from './scriptedUserInput';

suite('tree, status bar, settings and secrets', () => {
  test('the tree lists Staging and Production from the workspace compose file', async () => {
    const api = await dualEnv();
    await until(api, () => api.model.state === 'ready', 'the compose file to load');
    const roots = api.tree.getChildren().map((node) => api.tree.viewOf(node));
    const environments = roots.filter((view) => view.contextValue.startsWith('environment.'));
    assert.deepEqual(environments.map((view) => view.label), ['Staging', 'Production']);
    assert.deepEqual(environments.map((view) => view.contextValue), ['environment.staging', 'environment.production']);
  });

  test('the status bar has one badge per environment', async () => {
    const api = await dualEnv();
    const badges = api.badges.views();
    assert.match(badges.staging.text, /^\$\(beaker\) Staging /);
    assert.match(badges.production.text, /^\$\(rocket\) Production /);
  });

  test('a dualEnv.* setting reaches the environments without a reload of the window', async () => {
    const api = await dualEnv();
    const section = vscode.workspace.getConfiguration('dualEnv');
    try {
      await section.update('healthTimeoutSeconds', 42, vscode.ConfigurationTarget.Global);
      await until(api, () => api.model.environments().every((e) => e.healthTimeoutSeconds === 42), 'the setting to apply');
      await section.update('backupRetention', 3, vscode.ConfigurationTarget.Global);
      await until(api, () => api.model.environments().every((e) => e.backups.retention === 3), 'the retention setting to apply');
    } finally {
      await section.update('healthTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
      await section.update('backupRetention', undefined, vscode.ConfigurationTarget.Global);
    }
    await until(api, () => api.model.environments().every((e) => e.healthTimeoutSeconds !== 42), 'the setting to be removed');
  });

  test('Set Database Password keeps the password in SecretStorage, not in settings', async () => {
    const api = await dualEnv();
    const config = api.model.config;
    assert.ok(config);
    const key = secretKey(config, 'PRODUCTION_DB_PASSWORD');
    const password = `from-the-test-${Date.now()}`;
    const input = new ScriptedUserInput([{ pick: 'PRODUCTION_DB_PASSWORD' }, { input: password }]);
    try {
      await withUserInput(api, input, async () => { await vscode.commands.executeCommand('dualEnv.setDatabasePassword', 'production'); });
      input.assertDone();
      assert.equal(await api.extension.secrets.get(key), password);
      assert.equal(await api.secrets.get(key), password);
      assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('dualEnv')).includes(password), 'the password leaked into settings');
    } finally {
      await api.extension.secrets.delete(key);
    }
    assert.equal(await api.extension.secrets.get(key), undefined);
  });
});
