// Runs inside a real VS Code (test/swarm/extensionHost.test.ts opens it on a project
// whose production is a stack on the rig's swarm): the tree's rows for the stack,
// read from the extension's own tree, and the status-bar badge, healthy and then
// with one task killed (the project's restart delay keeps the slot empty a while).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { TreeNode } from '../../../src/extension/tree/environmentsTree';
import { dualEnv, project, until } from '../../vscode/suite/api';

const STACK = process.env.DUAL_ENV_TEST_SWARM_STACK ?? '';

suite('Swarm environment in the tree and the badge', () => {
  test('shows the service\'s replicas and each task\'s node, state and error; the badge counts a killed task', async function () {
    this.timeout(240_000);
    const api = await dualEnv();
    const model = project(api);
    const production = () => model.statusOf('production');
    await until(api, () => production()?.health === 'healthy', 'production healthy', 120_000);

    const rows = async () => {
      const environment = (await api.tree.getChildren()).find((n) => n.kind === 'environment' && n.environment.name === 'production');
      assert.ok(environment, 'a production row');
      const service = (await api.tree.getChildren(environment)).find((n): n is Extract<TreeNode, { kind: 'swarmService' }> => n.kind === 'swarmService');
      assert.ok(service, 'a Swarm service row under production');
      const tasks = await api.tree.getChildren(service);
      return { service: api.tree.getTreeItem(service), tasks: tasks.map((task) => api.tree.getTreeItem(task)), taskNodes: tasks };
    };

    const healthy = await rows();
    assert.equal(healthy.service.label, 'web');
    assert.equal(healthy.service.description, '2/2 replicas');
    assert.deepEqual(healthy.tasks.map((t) => t.label), [`${STACK}_web.1`, `${STACK}_web.2`]);
    assert.deepEqual(healthy.tasks.map((t) => t.description).sort(), ['dual-env-swarm-2 · running', 'dual-env-swarm-3 · running']);
    assert.equal(api.badges.views().production.text, '$(rocket) Production $(check)');

    const victim = healthy.taskNodes.map((n) => (n.kind === 'swarmTask' ? n.task : undefined)).find((t) => t?.node === 'dual-env-swarm-2');
    assert.ok(victim?.containerId, 'the task on dual-env-swarm-2 has a container');
    // the worker's engine, reached as the user's machine reaches it: over ssh (the docker CLI: dockerode's ssh2 does not bundle here)
    execFileSync('docker', ['-H', 'ssh://dual-env-swarm-2', 'kill', victim.containerId]);
    await until(api, () => production()?.health === 'degraded', 'production degraded', 120_000);

    const degraded = await rows();
    assert.equal(degraded.service.description, '1/2 replicas');
    const killed = degraded.tasks.find((t) => t.label === victim.name);
    assert.ok(killed, `a row for ${victim.name}`);
    // the slot's task is the killed one (failed) or its replacement waiting out the restart delay, with why
    assert.match(String(killed.description), /^dual-env-swarm-2 · (failed|shutdown|new|pending|assigned|accepted|preparing|ready|starting) · .*non-zero exit \(137\)/);
    const other = degraded.tasks.find((t) => t.label !== victim.name);
    assert.equal(other?.description, 'dual-env-swarm-3 · running');
    const badge = api.badges.views().production;
    assert.equal(badge.text, '$(rocket) Production $(warning) 1/2');
    assert.equal(badge.ariaLabel, 'Production is degraded: 1 of 2 replicas serve');
  });

  test('Show Logs on a Swarm service row follows the service in its channel', async () => {
    const api = await dualEnv();
    const environment = (await api.tree.getChildren()).find((n) => n.kind === 'environment' && n.environment.name === 'production');
    const service = environment && (await api.tree.getChildren(environment)).find((n) => n.kind === 'swarmService');
    assert.ok(service, 'a Swarm service row');
    await vscode.commands.executeCommand('dualEnv.showLogs', service);
    assert.deepEqual(api.logChannels.services(), ['web']);
    api.logChannels.stop('web');
  });
});
