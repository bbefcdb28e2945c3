// What the Swarm gate makes of a node lost during an update, on nodes and tasks as
// the manager lists them (the swarm suite's nodeDown test cuts a real node).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeLossSentence, nodesLost, nodeWentDownLine, updateStalledOn, type GateNode, type GateTask } from '../../../src/core/swarm/nodeLoss';

const ready = (id: string): GateNode => ({ id, hostname: `swarm-${id}`, state: 'ready' });
const down = (id: string): GateNode => ({ id, hostname: `swarm-${id}`, state: 'down', message: 'heartbeat failure' });
const task = (nodeId: string, slot: number, state: string, desiredState = 'running', image = 'web:new'): GateTask => ({ serviceId: 'web', slot, nodeId, state, desiredState, image });

describe('a node lost during a Swarm update', () => {
  it('is a node ready when the gate began and not ready now; one already down then is not news', () => {
    assert.deepEqual(nodesLost([ready('1'), ready('2'), ready('3')], [ready('1'), ready('2'), down('3')]), [down('3')]);
    assert.deepEqual(nodesLost([ready('1'), down('3')], [ready('1'), down('3')]), []);
    assert.deepEqual(nodesLost([ready('1')], [ready('1'), down('4')]), [], 'a node that joined down during the gate');
  });

  it('is said when seen, with Swarm\'s reason', () => {
    assert.equal(nodeWentDownLine(down('3')), 'Node swarm-3 went down during the update (heartbeat failure); Swarm reschedules its tasks on the nodes left');
  });

  it('names the nodes its tasks\' slots run on again', () => {
    const nodes = [ready('1'), ready('2'), down('3')];
    const tasks = [
      task('3', 1, 'running', 'shutdown', 'web:old'), task('2', 1, 'running'),
      task('3', 2, 'running', 'shutdown'), task('1', 2, 'running'),
      task('2', 3, 'running'),
    ];
    assert.equal(nodeLossSentence(down('3'), tasks, nodes), 'Node swarm-3 went down during the update; Swarm rescheduled its tasks on swarm-1 and swarm-2');
  });

  it('says how many of its tasks have no node yet, and when none has one', () => {
    const nodes = [ready('2'), down('3')];
    const tasks = [task('3', 1, 'running', 'shutdown'), task('2', 1, 'running'), task('3', 2, 'running', 'shutdown'), task('2', 2, 'pending')];
    assert.equal(nodeLossSentence(down('3'), tasks, nodes), 'Node swarm-3 went down during the update; Swarm rescheduled 1 of its 2 tasks on swarm-2, the other has no node yet');
    assert.equal(nodeLossSentence(down('3'), [task('3', 1, 'running')], nodes), 'Node swarm-3 went down during the update; Swarm has not rescheduled its task on another node');
  });

  it('does not count a replacement on a node that is not ready, nor tasks that had ended there', () => {
    const nodes = [down('2'), down('3')];
    assert.equal(nodeLossSentence(down('3'), [task('3', 1, 'running'), task('2', 1, 'running')], nodes), 'Node swarm-3 went down during the update; Swarm has not rescheduled its task on another node');
    assert.equal(nodeLossSentence(down('3'), [task('3', 1, 'shutdown', 'shutdown'), task('3', 2, 'failed', 'shutdown')], nodes), 'Node swarm-3 went down during the update; it ran no task of the stack');
  });

  it('stalls the update when a new task had not run on it: Swarm\'s updater waits for that task', () => {
    const nodes = [ready('2'), down('3')];
    assert.deepEqual(updateStalledOn([task('2', 1, 'running'), task('3', 2, 'starting', 'shutdown')], 'web:new', nodes), down('3'));
    assert.equal(updateStalledOn([task('2', 1, 'running'), task('3', 2, 'running', 'shutdown')], 'web:new', nodes), undefined, 'a new task that ran there is only rescheduled');
    assert.equal(updateStalledOn([task('3', 2, 'assigned', 'shutdown', 'web:old')], 'web:new', nodes), undefined, 'an old task is not what the update waits for');
    assert.equal(updateStalledOn([task('3', 2, 'starting')], 'web:new', [ready('2'), ready('3')]), undefined, 'a node still ready');
  });
});
