import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { dualEnv, until, withUserInput } from './api';
import { ScriptedUserInput } from './scriptedUserInput';

suite('log channels', () => {
  test('Show Logs… follows the picked service in its own channel; Stop Following Logs ends it', async () => {
    const api = await dualEnv();
    await until(api, () => api.model.statusOf('staging')?.health === 'healthy', 'staging to be healthy');
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
