import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TreeNode } from '../../../src/extension/tree/environmentsTree';
import { dualEnv, until, withUserInput, project } from './api';
import { ScriptedUserInput } from './scriptedUserInput';

type Api = Awaited<ReturnType<typeof dualEnv>>;

async function containerNode(api: Api, service: string): Promise<Extract<TreeNode, { kind: 'container' }>> {
  for (const root of await api.tree.getChildren()) {
    for (const node of await api.tree.getChildren(root)) {
      if (node.kind === 'container' && node.container.service === service) return node;
    }
  }
  assert.fail(`${service} is not in the tree`);
}

const stateOf = (api: Api, environment: string, service: string) =>
  project(api).statusOf(environment)?.containers.find((c) => c.service === service);

suite('start, stop and restart from the tree', () => {
  test('Stop and Start on a staging container run Compose, and the tree follows', async () => {
    const api = await dualEnv();
    await until(api, () => project(api).statusOf('staging')?.health === 'healthy', 'staging to be healthy');
    try {
      await vscode.commands.executeCommand('dualEnv.stopContainer', await containerNode(api, 'staging-frontend'));
      await until(api, () => stateOf(api, 'staging', 'staging-frontend')?.state === 'exited', 'staging-frontend to stop');
      assert.equal(api.tree.viewOf(await containerNode(api, 'staging-frontend')).contextValue, 'container.stopped');
      await vscode.commands.executeCommand('dualEnv.startContainer', await containerNode(api, 'staging-frontend'));
    } finally {
      await until(api, () => stateOf(api, 'staging', 'staging-frontend')?.state === 'running', 'staging-frontend to run again', 60_000);
    }
    await until(api, () => project(api).statusOf('staging')?.health === 'healthy', 'staging to be healthy again', 60_000);
  });

  test('Start Environment on production asks for confirmation too (answered Cancel through the scripted seam); nothing runs', async () => {
    const api = await dualEnv();
    await until(api, () => project(api).statusOf('production')?.health === 'healthy', 'production to be healthy');
    const input = new ScriptedUserInput([{ confirm: 'Cancel' }]);
    await withUserInput(api, input, async () => { await vscode.commands.executeCommand('dualEnv.startEnvironment', 'production'); });
    input.assertDone();
    assert.equal(input.asked[0], 'confirm: Start Production?');
    assert.match(input.details[0], /running ones are left as they are/);
  });

  test('Restart Environment on production asks for confirmation first (answered Cancel through the scripted seam); nothing restarts', async () => {
    const api = await dualEnv();
    await until(api, () => project(api).statusOf('production')?.health === 'healthy', 'production to be healthy');
    const started = () => (project(api).statusOf('production')?.containers ?? []).map((c) => `${c.containerId} ${c.startedAt}`);
    const before = started();
    const input = new ScriptedUserInput([{ confirm: 'Cancel' }]);
    await withUserInput(api, input, async () => { await vscode.commands.executeCommand('dualEnv.restartEnvironment', 'production'); });
    input.assertDone();
    assert.equal(input.asked[0], 'confirm: Restart Production?');
    assert.match(input.details[0], /production-frontend, production-backend, production-database/);
    assert.deepEqual(started(), before);
  });
});
