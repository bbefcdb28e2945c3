import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endedTaskReason, noRunningTaskReason } from '../../../src/core/swarm/databaseTask';
import type { ApiNode as SwarmNode, ApiTask as SwarmTask } from '../../../src/core/swarm/swarmApi';

const SERVICE = 'shop_database';
const node = (availability: string, state = 'ready'): SwarmNode => ({ ID: 'n2', Description: { Hostname: 'db-node' }, Spec: { Availability: availability }, Status: { State: state } });
const task = (id: string, desired: string, state: string, createdAt: string, nodeId: string | undefined = 'n2'): SwarmTask => ({
  ID: id, NodeID: nodeId, DesiredState: desired, CreatedAt: createdAt, Status: { State: state },
});
/** The task that ran, shut down, and its replacement Swarm cannot place (no node given). */
const stranded = [task('old', 'shutdown', 'shutdown', '2026-12-06T10:00:00Z'), task('new', 'running', 'pending', '2026-12-06T11:00:00Z', undefined)];

describe('why a Swarm database has no running task', () => {
  it('names the drained node it is pinned to, and how to make it active again', () => {
    assert.deepEqual(noRunningTaskReason(SERVICE, stranded, [node('drain')]), {
      why: 'it is pinned to the node db-node, which is drained',
      remedy: 'make the node active again (docker node update --availability active db-node)',
    });
  });

  it('names a node that is down', () => {
    assert.equal(noRunningTaskReason(SERVICE, stranded, [node('active', 'down')]).why, 'it is pinned to the node db-node, which is down');
  });

  it('says a task being started on the node is a replacement, with its state', () => {
    const replacing = [task('old', 'shutdown', 'shutdown', '2026-12-06T10:00:00Z'), task('new', 'running', 'preparing', '2026-12-06T11:00:00Z')];
    assert.deepEqual(noRunningTaskReason(SERVICE, replacing, [node('active')]), {
      why: 'its task on db-node is being replaced (preparing now)',
      remedy: `try again once docker service ps ${SERVICE} shows it running`,
    });
  });

  it('falls back to the states Swarm has, or none scheduled', () => {
    assert.equal(noRunningTaskReason(SERVICE, [task('t', 'running', 'failed', '2026-12-06T10:00:00Z')], [node('active')]).why, 'its tasks are failed');
    assert.equal(noRunningTaskReason(SERVICE, [], []).why, 'its tasks are none scheduled');
  });
});

describe('why the database task a backup read stopped', () => {
  it('is nothing while the task runs: the failure had another cause', () => {
    assert.equal(endedTaskReason('t1', [task('t1', 'running', 'running', '2026-12-06T10:00:00Z')], [node('active')]), undefined);
  });

  it('is a replacement when Swarm shut the task down on an active node, or no longer lists it', () => {
    assert.equal(endedTaskReason('old', stranded, [node('active')]), 'was replaced (a deploy or an update of its service)');
    assert.equal(endedTaskReason('gone', stranded, [node('active')]), 'was replaced (a deploy or an update of its service)');
  });

  it('is the node drained or down, before any replacement', () => {
    assert.equal(endedTaskReason('old', stranded, [node('drain')]), 'was stopped because its node was drained');
    assert.equal(endedTaskReason('old', stranded, [node('active', 'down')]), 'was lost with its node, which is down');
  });

  it('is the state and error of a task that died while Swarm still wanted it running', () => {
    const died: SwarmTask = { ...task('t1', 'running', 'failed', '2026-12-06T10:00:00Z'), Status: { State: 'failed', Err: 'task: non-zero exit (137)' } };
    assert.equal(endedTaskReason('t1', [died], [node('active')]), 'stopped (failed: task: non-zero exit (137))');
  });
});
