// A Swarm environment's rows: each service with running/desired replicas, each task
// with its node, state and error, coloured by how well they run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SwarmServiceStatus, SwarmTaskStatus } from '../../../src/core/swarm/swarmStatus';
import { swarmServiceItem, swarmTaskItem } from '../../../src/extension/tree/swarm/swarmItems';

const task = (fields: Partial<SwarmTaskStatus> = {}): SwarmTaskStatus => ({
  id: 't1', name: 'shop_web.1', node: 'worker-1', state: 'running', desiredState: 'running', health: 'healthy', image: 'registry:5000/web:2', ...fields,
});
const service = (fields: Partial<SwarmServiceStatus> = {}): SwarmServiceStatus => ({ service: 'web', mode: 'replicated', running: 2, desired: 2, tasks: [task()], ...fields });

describe('Swarm rows of the Environments view', () => {
  it('show a service with its replicas, green when all run, yellow when some, red when none', () => {
    const item = swarmServiceItem('production', service());
    assert.deepEqual([item.label, item.description, item.icon, item.collapsible, item.contextValue], ['web', '2/2 replicas', { id: 'pass-filled', color: 'charts.green' }, 'expanded', 'swarm.service']);
    assert.equal(item.tooltip, '**web**\n\n2 of 2 replicas run (replicated).');
    assert.deepEqual(swarmServiceItem('production', service({ running: 1 })).icon, { id: 'warning', color: 'charts.yellow' });
    assert.deepEqual(swarmServiceItem('production', service({ running: 0 })).icon, { id: 'error', color: 'charts.red' });
    assert.equal(swarmServiceItem('production', service({ updateState: 'updating' })).description, '2/2 replicas · updating');
  });

  it('show a task with its node and state, and a failed one with its error', () => {
    const running = swarmTaskItem('production', task());
    assert.deepEqual([running.label, running.description, running.icon.id, running.defaultAction], ['shop_web.1', 'worker-1 · running', 'pass-filled', undefined]);
    const failed = swarmTaskItem('production', task({ state: 'failed', desiredState: 'shutdown', error: 'task: non-zero exit (137)' }));
    assert.equal(failed.description, 'worker-1 · failed · task: non-zero exit (137)');
    assert.deepEqual(failed.icon, { id: 'circle-slash', color: 'charts.red' });
    assert.match(failed.tooltip ?? '', /^Error: task: non-zero exit \(137\)$/m);
    const replacing = swarmTaskItem('production', task({ state: 'starting', health: 'starting', previousError: 'task: non-zero exit (137)' }));
    assert.equal(replacing.icon.id, 'loading~spin');
    assert.match(replacing.tooltip ?? '', /^Replaces a task that failed: task: non-zero exit \(137\)$/m);
    assert.equal(swarmTaskItem('production', task({ node: undefined, state: 'pending' })).description, 'unassigned · pending');
  });
});
