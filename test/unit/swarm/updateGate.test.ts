// The gate's reading of one service, on Engine API answers as Swarm gives them during
// an update (a fake engine: the rig's swarm suite runs the real thing end to end).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type Docker from 'dockerode';
import { readServiceOutcome } from '../../../src/core/swarm/updateGate';

const NEW = 'reg:5000/shop/web:bbb';
const OLD = 'reg:5000/shop/web:aaa';

interface Task { image: string; state: string; desired?: string; err?: string; created?: string; node?: string }

/** An engine that answers for the service `shop_web` with this spec image, update state and tasks. */
function engine(specImage: string, updateState: string | undefined, tasks: Task[], replicas = 2): Docker {
  const asApi = (t: Task) => ({ NodeID: t.node, DesiredState: t.desired ?? 'running', CreatedAt: t.created, Spec: { ContainerSpec: { Image: t.image } }, Status: { State: t.state, Err: t.err } });
  return {
    getService: () => ({ inspect: async () => ({ Spec: { TaskTemplate: { ContainerSpec: { Image: `${specImage}@sha256:${'1'.repeat(64)}` } }, Mode: { Replicated: { Replicas: replicas } } }, UpdateStatus: updateState ? { State: updateState, Message: 'update paused due to failure or early termination of task x' } : undefined }) }),
    listTasks: async ({ filters }: { filters: { 'desired-state'?: string[] } }) =>
      tasks.filter((t) => !filters['desired-state'] || filters['desired-state'].includes(t.desired ?? 'running')).map(asApi),
  } as unknown as Docker;
}

const read = (docker: Docker) => readServiceOutcome(docker, 'shop', 'web', NEW);

describe('the Swarm gate reading a service', () => {
  it('waits while old tasks run beside the new ones, even with the last update\'s `completed` still showing', async () => {
    const outcome = await read(engine(NEW, 'completed', [{ image: NEW, state: 'running' }, { image: OLD, state: 'running' }]));
    assert.deepEqual(outcome, { service: 'web', state: 'rolling', detail: '1 of 2 new tasks run healthy, 1 old still run' });
  });

  it('waits while Swarm updates, and while a new task is starting (its health check pending)', async () => {
    assert.equal((await read(engine(NEW, 'updating', [{ image: NEW, state: 'running' }, { image: NEW, state: 'running' }]))).state, 'rolling');
    assert.deepEqual(await read(engine(NEW, 'completed', [{ image: NEW, state: 'running' }, { image: NEW, state: 'starting' }])), { service: 'web', state: 'rolling', detail: '1 of 2 new tasks run healthy' });
  });

  it('is updated once every task Swarm wants runs the new image', async () => {
    assert.deepEqual(await read(engine(NEW, 'completed', [{ image: NEW, state: 'running' }, { image: NEW, state: 'running' }])), { service: 'web', state: 'updated', running: 2 });
    assert.deepEqual(await read(engine(NEW, undefined, [{ image: NEW, state: 'running' }, { image: NEW, state: 'running' }])), { service: 'web', state: 'updated', running: 2 }, 'a service created by this deploy has no UpdateStatus');
  });

  it('says Swarm rolled the service back, with the newest failed task\'s error, once its spec names the old image again', async () => {
    const tasks = [
      { image: OLD, state: 'running' }, { image: OLD, state: 'running' },
      { image: NEW, state: 'failed', desired: 'shutdown', err: 'task: non-zero exit (137): dockerexec: unhealthy container', created: '2026-12-06T10:00:02Z' },
      { image: NEW, state: 'failed', desired: 'shutdown', err: 'an older failure', created: '2026-12-06T10:00:01Z' },
    ];
    assert.deepEqual(await read(engine(OLD, 'rollback_completed', tasks)), { service: 'web', state: 'rolled-back', reason: 'task: non-zero exit (137): dockerexec: unhealthy container' });
    assert.equal((await read(engine(OLD, 'rollback_started', tasks))).state, 'rolling');
  });

  it('reports an update Swarm paused', async () => {
    assert.deepEqual(await read(engine(NEW, 'paused', [{ image: NEW, state: 'running' }])), { service: 'web', state: 'paused', reason: 'update paused due to failure or early termination of task x' });
  });

  it('does not count a task listed running on a node that is down, and says the update stalled on a new task that had not run there', async () => {
    const nodes = [{ id: 'n2', hostname: 'swarm-2', state: 'ready' }, { id: 'n3', hostname: 'swarm-3', state: 'down' }];
    const listedRunning = engine(NEW, 'completed', [{ image: NEW, state: 'running', node: 'n2' }, { image: NEW, state: 'running', node: 'n3' }]);
    assert.deepEqual(await readServiceOutcome(listedRunning, 'shop', 'web', NEW, nodes), { service: 'web', state: 'rolling', detail: '1 of 2 new tasks run healthy, 1 on a node that is down' });
    const waiting = engine(NEW, 'updating', [{ image: NEW, state: 'running', node: 'n2' }, { image: OLD, state: 'running', node: 'n2' }, { image: NEW, state: 'starting', desired: 'shutdown', node: 'n3' }]);
    assert.deepEqual(await readServiceOutcome(waiting, 'shop', 'web', NEW, nodes), { service: 'web', state: 'stalled', node: 'swarm-3', serving: '1 new and 1 old tasks', failureAction: 'pause' });
    assert.equal((await readServiceOutcome(waiting, 'shop', 'web', NEW, [nodes[0], { ...nodes[1], state: 'ready' }])).state, 'rolling', 'the same tasks with every node ready');
  });
});
