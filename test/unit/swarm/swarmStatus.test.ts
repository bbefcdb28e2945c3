// A Swarm environment's status from what a manager answers (services, tasks, nodes):
// replicas per service, each slot's newest task, the environment's health and
// reason, and the lines the tree and badge count. Pure logic on recorded shapes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type Docker from 'dockerode';
import type { Environment } from '../../../src/core/config/model';
import { nodeDockerHost } from '../../../src/core/swarm/nodeHosts';
import { summariseSwarm, swarmStatusOf, type SwarmReading } from '../../../src/core/swarm/swarmStatus';
import { badgeOf } from '../../../src/extension/statusBar/badge';

const STACK = 'shop';
const production: Environment = {
  name: 'production', label: 'Production', isProduction: true, services: ['api', 'web', 'worker'], branchPattern: '*', requireStagingFirst: false,
  backups: { folder: '/tmp/backups', retention: 10 }, healthTimeoutSeconds: 60, dockerHost: 'ssh://deploy@manager-1', swarm: { stack: STACK },
};
const nodes = [
  { id: 'n1', hostname: 'manager-1', state: 'ready', availability: 'active', role: 'manager', address: '10.0.0.1' },
  { id: 'n2', hostname: 'worker-1', state: 'ready', availability: 'active', role: 'worker', address: '10.0.0.2' },
  { id: 'n3', hostname: 'worker-2', state: 'down', availability: 'active', role: 'worker', address: '10.0.0.3' },
];

function service(name: string, replicas: number | 'global'): Docker.Service {
  return { ID: `svc-${name}`, Spec: { Name: `${STACK}_${name}`, Mode: replicas === 'global' ? { Global: {} } : { Replicated: { Replicas: replicas } } } } as unknown as Docker.Service;
}

let clock = 0;
/** A task; later calls are newer (UpdatedAt), as the manager's answers are. */
function task(name: string, slot: number, node: string, state: string, desired = 'running', err?: string) {
  clock += 1;
  return {
    ID: `t${clock}`, ServiceID: `svc-${name}`, NodeID: node, Slot: slot, DesiredState: desired, UpdatedAt: `2026-12-06T08:00:${String(clock).padStart(2, '0')}Z`,
    Spec: { ContainerSpec: { Image: `registry:5000/${name}:2@sha256:${'a'.repeat(64)}` } },
    Status: { State: state, Err: err, Timestamp: `2026-12-06T08:00:${String(clock).padStart(2, '0')}Z`, ContainerStatus: { ContainerID: `c${clock}` } },
  } as SwarmReading['tasks'][number];
}

const statusOf = (reading: SwarmReading) => summariseSwarm(production, swarmStatusOf(STACK, reading, ['s3cret']));

describe('Swarm status from a manager\'s answers', () => {
  it('is healthy when every service runs its desired replicas, one line per replica', () => {
    const status = statusOf({
      services: [service('api', 2), service('web', 2), service('worker', 2)],
      tasks: [task('api', 1, 'n1', 'running'), task('api', 2, 'n2', 'running'), task('web', 1, 'n1', 'running'), task('web', 2, 'n2', 'running'), task('worker', 1, 'n1', 'running'), task('worker', 2, 'n2', 'running')],
      nodes,
    });
    assert.equal(status.health, 'healthy');
    assert.equal(status.reason, 'All 3 services of stack shop run their 6 replicas.');
    assert.deepEqual(status.swarm?.services.map((s) => `${s.service} ${s.running}/${s.desired}`), ['api 2/2', 'web 2/2', 'worker 2/2']);
    assert.equal(status.containers.length, 6);
    assert.deepEqual(status.swarm?.services[0].tasks.map((t) => [t.name, t.node, t.image]), [['shop_api.1', 'manager-1', 'registry:5000/api:2'], ['shop_api.2', 'worker-1', 'registry:5000/api:2']]);
  });

  it('is degraded with a task that just failed, naming its node and error, and the badge counts 5/6', () => {
    const status = statusOf({
      services: [service('api', 2), service('web', 2), service('worker', 2)],
      tasks: [
        task('api', 1, 'n1', 'running'), task('api', 2, 'n2', 'running'), task('web', 1, 'n1', 'running'), task('web', 2, 'n2', 'running'),
        task('worker', 1, 'n1', 'running'), task('worker', 2, 'n2', 'failed', 'shutdown', 'task: non-zero exit (137) password=s3cret'),
      ],
      nodes,
    });
    assert.equal(status.health, 'degraded');
    assert.equal(status.reason, 'worker runs 1 of 2 replicas (shop_worker.2 on worker-1 is failed: task: non-zero exit (137) password=***).');
    assert.deepEqual(status.containers.filter((c) => c.service === 'worker').map((c) => [c.name, c.state, c.healthLog]), [
      ['shop_worker.1 on manager-1', 'running', undefined], ['shop_worker.2 on worker-1', 'dead', 'task: non-zero exit (137) password=***'],
    ]);
    assert.equal(badgeOf(production, status).text, '$(rocket) Production $(warning) 5/6');
    assert.equal(badgeOf(production, status).ariaLabel, 'Production is degraded: 5 of 6 replicas serve');
  });

  it('shows a replacement task starting (its health check pending) with the error of the task it replaces', () => {
    const status = statusOf({
      services: [service('api', 1), service('web', 1), service('worker', 1)],
      tasks: [task('api', 1, 'n1', 'running'), task('web', 1, 'n1', 'running'), task('worker', 1, 'n2', 'failed', 'shutdown', 'task: non-zero exit (1)'), task('worker', 1, 'n2', 'starting')],
      nodes,
    });
    const [worker] = status.swarm!.services.filter((s) => s.service === 'worker');
    assert.deepEqual(worker.tasks.map((t) => [t.state, t.health, t.error, t.previousError]), [['starting', 'starting', undefined, 'task: non-zero exit (1)']]);
    assert.equal(status.health, 'degraded');
    assert.equal(status.reason, 'worker runs 0 of 1 replicas (shop_worker.1 on worker-1 is starting: task: non-zero exit (1)).');
    assert.equal(status.containers.find((c) => c.service === 'worker')?.health, 'starting');
  });

  it('leaves out slots scaled away and counts an unfilled slot as a missing replica', () => {
    const status = statusOf({
      services: [service('api', 1), service('web', 3), service('worker', 1)],
      tasks: [task('api', 1, 'n1', 'running'), task('api', 2, 'n2', 'shutdown', 'shutdown'), task('web', 1, 'n1', 'running'), task('web', 2, 'n2', 'running'), task('worker', 1, 'n1', 'running')],
      nodes,
    });
    assert.deepEqual(status.swarm?.services.map((s) => `${s.service} ${s.running}/${s.desired} ${s.tasks.length}`), ['api 1/1 1', 'web 2/3 2', 'worker 1/1 1']);
    assert.deepEqual(status.containers.filter((c) => c.service === 'web').map((c) => c.state), ['running', 'running', 'missing']);
    assert.equal(status.reason, 'web runs 2 of 3 replicas.');
  });

  it('counts a global service\'s replicas by the nodes meant to run it', () => {
    const status = statusOf({
      services: [service('api', 1), service('web', 1), service('worker', 'global')],
      tasks: [task('api', 1, 'n1', 'running'), task('web', 1, 'n1', 'running'), task('worker', 0, 'n1', 'running'), task('worker', 0, 'n2', 'preparing')],
      nodes,
    });
    const worker = status.swarm!.services.find((s) => s.service === 'worker')!;
    assert.deepEqual([worker.mode, worker.running, worker.desired], ['global', 1, 2]);
    assert.deepEqual(worker.tasks.map((t) => t.name), ['shop_worker.n1', 'shop_worker.n2']);
  });

  it('is down when the stack has no services, and names a service the stack lacks', () => {
    const empty = statusOf({ services: [], tasks: [], nodes });
    assert.equal(empty.health, 'down');
    assert.equal(empty.reason, 'The stack shop has no services on this swarm; deploy the environment.');
    const partial = statusOf({ services: [service('api', 1), service('web', 1)], tasks: [task('api', 1, 'n1', 'running'), task('web', 1, 'n1', 'running')], nodes });
    assert.equal(partial.reason, 'worker is not a service of stack shop.');
    assert.equal(partial.health, 'degraded');
  });
});

describe('how a swarm node\'s engine is reached', () => {
  it('as the manager is, at the node\'s address', () => {
    assert.equal(nodeDockerHost('ssh://deploy@manager-1', '10.0.0.2'), 'ssh://deploy@10.0.0.2');
    assert.equal(nodeDockerHost('ssh://deploy@manager-1:2222', '10.0.0.2'), 'ssh://deploy@10.0.0.2:2222');
    assert.equal(nodeDockerHost('ssh://manager-1', 'fd00::2'), 'ssh://[fd00::2]');
    assert.equal(nodeDockerHost('tcp://manager-1:2376', '10.0.0.2'), 'tcp://10.0.0.2:2376');
  });

  it('not at all from a local socket, which says nothing of the other machines', () => {
    assert.equal(nodeDockerHost('unix:///var/run/docker.sock', '10.0.0.2'), undefined);
  });
});
