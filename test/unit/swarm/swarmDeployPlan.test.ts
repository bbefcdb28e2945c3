import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeSwarmPlan, type SwarmDeployPlan } from '../../../src/core/swarm/swarmDeployPlan';

const commit = { hash: 'a'.repeat(40), shortHash: 'aaaaaaa', subject: 'web v2', author: 'Ann', date: '2026-12-06T10:00:00Z' };

const plan: SwarmDeployPlan = {
  kind: 'swarm', environment: 'production', label: 'Production', branch: 'main', commit: commit as SwarmDeployPlan['commit'],
  changes: [commit as SwarmDeployPlan['commit']], since: 'production-20261205-1000', checklist: [],
  stack: 'shop', registry: '10.0.0.5:5000', manager: 'ssh://manager-1', healthTimeoutSeconds: 120,
  backup: 'No database service: no backup is taken.',
  services: [
    { service: 'web', built: true, replicas: 2, order: 'start-first' },
    { service: 'front', built: false, replicas: 1, order: 'stop-first', why: 'it publishes port 80 in host mode, so a node cannot run its old and new task at once' },
  ],
};

describe('the confirmation of a Swarm deploy', () => {
  it('states per service the update order and why, the replicas, and Swarm\'s automatic rollback', () => {
    const text = describeSwarmPlan(plan);
    assert.match(text, /^Deploy main @ aaaaaaa \(web v2\) to Production: the Swarm stack shop through ssh:\/\/manager-1\.$/m);
    assert.match(text, /^Images are built on the manager and pushed to 10\.0\.0\.5:5000; the stack changes only once every push succeeded\./m);
    assert.match(text, /^ {2}web: built and pushed as 10\.0\.0\.5:5000\/shop\/web:aaaaaaa…; 2 replicas; start-first: each new task starts beside an old one, which stops once the new one is healthy\.$/m);
    assert.match(text, /^ {2}front: its image as the file names it; 1 replica; stop-first \(it publishes port 80 in host mode, so a node cannot run its old and new task at once\): each old task stops before its new one starts, so that service runs one task fewer meanwhile \(with 1 replica: it is away until the new task is healthy\)\.$/m);
    assert.match(text, /^A service whose new tasks fail their health check is rolled back by Swarm itself to the version it ran; the deploy waits up to 120 s/m);
    assert.match(text, /^No database service: no backup is taken\.$/m);
  });
});
