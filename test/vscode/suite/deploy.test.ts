import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as vscode from 'vscode';
import { dualEnv, until, withUserInput } from './api';
import { ScriptedUserInput } from './scriptedUserInput';

suite('production deploy confirmation', () => {
  test('Cancel in the modal leaves production untouched; the modal shows the plan and names the action', async () => {
    const api = await dualEnv();
    await until(api, () => api.model.statusOf('production')?.health === 'healthy', 'production to be healthy');
    const production = api.model.environments().find((e) => e.isProduction);
    assert.ok(production);
    const containers = () => (api.model.statusOf('production')?.containers ?? []).map((c) => `${c.service} ${c.containerId} ${c.image}`);
    const backups = () => (fs.existsSync(production.backups.folder) ? fs.readdirSync(production.backups.folder).sort() : []);
    const before = { containers: containers(), backups: backups() };

    const input = new ScriptedUserInput([{ confirm: 'Cancel' }]);
    await withUserInput(api, input, async () => { await vscode.commands.executeCommand('dualEnv.deployProduction'); });
    input.assertDone();
    assert.match(input.asked[0], /^confirm: Deploy stable\/prisma-mysql-host @ [0-9a-f]{7} to Production\?$/);
    assert.match(input.details[0], /backup/i);
    assert.match(input.details[0], /production-frontend, production-backend/);
    assert.deepEqual({ containers: containers(), backups: backups() }, before);
  });
});
