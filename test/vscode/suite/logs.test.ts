import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { dualEnv, until, withUserInput, project } from './api';
import { ScriptedUserInput } from './scriptedUserInput';

suite('log channels', () => {
  test('Show Logs… follows the picked service in its own channel; Stop Following Logs ends it', async () => {
    const api = await dualEnv();
    await until(api, () => project(api).statusOf('staging')?.health === 'healthy', 'staging to be healthy');
    const show = new ScriptedUserInput([{ pick: 'Staging' }, { pick: 'staging-database' }]);
    await withUserInput(api, show, async () => { await vscode.commands.executeCommand('dualEnv.showLogs'); });
    show.assertDone();
    assert.deepEqual(api.logChannels.services(), ['staging-database']);

    // a single followed service is stopped without a question
    const stop = new ScriptedUserInput([]);
    await withUserInput(api, stop, async () => { await vscode.commands.executeCommand('dualEnv.stopFollowingLogs'); });
    stop.assertDone();
    assert.deepEqual(api.logChannels.services(), []);
  });
});

suite('log channels that cannot follow', () => {
  test('a follow that fails to start leaves no followed service behind', async () => {
    const api = await dualEnv();
    await until(api, () => project(api).config !== undefined, 'the compose file to load');
    const config = project(api).config;
    const staging = config?.environments.find((e) => !e.isProduction);
    assert.ok(config && staging);
    // rejected while the Docker client is made, before any stream exists
    await assert.rejects(api.logChannels.follow(config, { ...staging, dockerHost: 'bogus://nowhere' }, 'staging-backend'), /not a unix:\/\/, tcp:\/\/ or ssh:\/\/ address/);
    assert.deepEqual(api.logChannels.services(), []);
  });
});

suite('status-bar badge click', () => {
  test('offers the environment\'s actions and runs the one picked', async () => {
    const api = await dualEnv();
    const badge = api.badges.views().production;
    assert.ok(badge);
    const input = new ScriptedUserInput([{ pick: '$(output) Show Logs…' }, { pick: 'production-backend' }]);
    try {
      await withUserInput(api, input, async () => { await vscode.commands.executeCommand('dualEnv.environmentActions', 'production'); });
      input.assertDone();
      for (const action of ['$(rocket) Deploy to Production', '$(history) Roll Back Production…', '$(database) Back Up Production Now', '$(debug-stop) Stop']) {
        assert.ok(input.offered[0].includes(action), `${action} not offered: ${input.offered[0].join(', ')}`);
      }
      assert.ok(!input.offered[0].includes('$(beaker) Deploy to Staging'));
      assert.deepEqual(api.logChannels.services(), ['production-backend']);
    } finally {
      api.logChannels.stop('production-backend');
    }
  });
});
