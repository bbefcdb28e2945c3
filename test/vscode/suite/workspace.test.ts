import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { secretKey } from '../../../src/core/config';
import { dualEnv, until, withUserInput, project } from './api';
import { ScriptedUserInput } from './scriptedUserInput';

suite('tree, status bar, settings and secrets', () => {
  test('the tree lists Staging and Production from the workspace compose file', async () => {
    const api = await dualEnv();
    await until(api, () => api.model.state === 'ready', 'the compose file to load');
    const roots = (await api.tree.getChildren()).map((node) => api.tree.viewOf(node));
    const environments = roots.filter((view) => view.contextValue.startsWith('environment.'));
    assert.deepEqual(environments.map((view) => view.label), ['Staging', 'Production']);
    // the context value says whether Start, Stop and Restart apply: `.running` once a container runs
    assert.deepEqual(environments.map((view) => view.contextValue.split('.').slice(0, 2).join('.')), ['environment.staging', 'environment.production']);
  });

  test('each environment lists its containers (three, and the edge in production), running and healthy, from the live status', async () => {
    const api = await dualEnv();
    await until(api, () => project(api).environments().every((e) => project(api).statusOf(e.name)?.health === 'healthy'), 'both environments to be healthy');
    for (const node of await api.tree.getChildren()) {
      if (node.kind !== 'environment') continue;
      const count = node.environment.services.length;
      assert.equal(count, node.environment.isProduction ? 4 : 3);
      assert.match(api.tree.viewOf(node).description ?? '', new RegExp(`^${count}/${count} healthy`));
      const children = (await api.tree.getChildren(node)).map((child) => api.tree.viewOf(child));
      const containers = children.filter((view) => view.contextValue.startsWith('container.'));
      assert.deepEqual(containers.map((view) => view.label), node.environment.services);
      for (const view of containers) {
        assert.equal(view.contextValue, 'container.running');
        assert.deepEqual(view.icon, { id: 'pass-filled', color: 'charts.green' });
      }
      assert.equal(children.some((view) => view.label === 'Backups'), node.environment.isProduction);
    }
  });

  test('the status bar has one badge per environment', async () => {
    const api = await dualEnv();
    await until(api, () => project(api).environments().every((e) => project(api).statusOf(e.name)?.health === 'healthy'), 'both environments to be healthy');
    const badges = api.badges.views();
    assert.equal(badges.staging.text, '$(beaker) Staging $(check)');
    assert.equal(badges.production.text, '$(rocket) Production $(check)');
    assert.equal(badges.production.ariaLabel, 'Production is healthy');
    assert.equal(badges.production.backgroundColor, undefined);
    for (const service of project(api).environments()[1].services) assert.match(badges.production.tooltip, new RegExp(`^${service}: running, healthy$`, 'm'));
  });

  test('a dualEnv.* setting reaches the environments without a reload of the window', async () => {
    const api = await dualEnv();
    const section = vscode.workspace.getConfiguration('dualEnv');
    try {
      await section.update('healthTimeoutSeconds', 42, vscode.ConfigurationTarget.Global);
      await until(api, () => project(api).environments().every((e) => e.healthTimeoutSeconds === 42), 'the setting to apply');
      await section.update('backupRetention', 3, vscode.ConfigurationTarget.Global);
      await until(api, () => project(api).environments().every((e) => e.backups.retention === 3), 'the retention setting to apply');
    } finally {
      await section.update('healthTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
      await section.update('backupRetention', undefined, vscode.ConfigurationTarget.Global);
    }
    await until(api, () => project(api).environments().every((e) => e.healthTimeoutSeconds !== 42), 'the setting to be removed');
  });

  test('Set Database Password keeps the password in SecretStorage, not in settings', async () => {
    const api = await dualEnv();
    const config = project(api).config;
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
