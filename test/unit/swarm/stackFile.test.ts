import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { composeHealthTiming, durationSeconds, monitorSeconds, planStackServices, readComposeDocument, renderStackFile } from '../../../src/core/swarm/stackFile';

const compose = readComposeDocument(`
version: "3.8"
name: shop
services:
  web:
    build: ./web
    image: shop-web
    healthcheck: { test: [CMD, "true"], interval: 2s, timeout: 1s, retries: 4, start_period: 5s }
    deploy:
      replicas: 2
      endpoint_mode: dnsrr
      update_config: { delay: 3s }
  front:
    image: \${FRONT_IMAGE}
    ports: [{ target: 80, published: 8080, mode: host }]
    deploy: { placement: { constraints: [node.role == manager] } }
  worker:
    build: ./worker
    image: shop-worker
    deploy: { mode: global, update_config: { order: stop-first } }
  pinned:
    image: pinned
    deploy: { replicas: 2, placement: { max_replicas_per_node: 1 } }
  staging-web:
    build: ./web
    image: shop-web
x-dual-env: { environments: {} }
networks:
  back: { driver: overlay }
`);

describe('the stack file of a Swarm deploy', () => {
  const plan = planStackServices(compose, ['web', 'front', 'worker', 'pinned'], ['web', 'worker']);

  it('plans start-first where a node can run the old and new task, and says why not elsewhere', () => {
    assert.deepEqual(plan, [
      { service: 'web', built: true, replicas: 2, order: 'start-first' },
      { service: 'front', built: false, replicas: 1, order: 'stop-first', why: 'it publishes port 8080 in host mode, so a node cannot run its old and new task at once' },
      { service: 'worker', built: true, replicas: 'global', order: 'stop-first', why: 'as its update_config says' },
      { service: 'pinned', built: false, replicas: 2, order: 'stop-first', why: 'max_replicas_per_node 1 lets no node take a new task beside the old one' },
    ]);
  });

  it('updates the database stop-first, even where its file asks for start-first: two servers must never open one volume', () => {
    const withDatabase = readComposeDocument(`
services:
  db:
    image: mysql
    deploy: { replicas: 1, update_config: { order: start-first }, rollback_config: { order: start-first } }
`);
    const [db] = planStackServices(withDatabase, ['db'], [], 'db');
    assert.deepEqual(db, { service: 'db', built: false, replicas: 1, order: 'stop-first', why: 'it is the database: a second server must never open its volume beside the first' });
    const stack = parse(renderStackFile(withDatabase, { images: {}, plan: [db], health: {} }));
    assert.equal(stack.services.db.deploy.update_config.order, 'stop-first');
    assert.equal(stack.services.db.deploy.rollback_config.order, 'stop-first');
  });

  it('keeps only the environment\'s services, points the built ones at the pushed images and fills in the rolling update the file leaves out', () => {
    const images = { web: '10.0.0.5:5000/shop/web:abc', worker: '10.0.0.5:5000/shop/worker:abc' };
    const stack = parse(renderStackFile(compose, { images, plan, health: { web: composeHealthTiming(compose, 'web') } }));
    assert.deepEqual(Object.keys(stack).sort(), ['networks', 'services', 'version']);
    assert.equal(stack.version, '3.8');
    assert.deepEqual(Object.keys(stack.services), ['web', 'front', 'worker', 'pinned']);
    assert.equal(stack.services.web.image, images.web);
    assert.equal(stack.services.web.build, undefined);
    assert.equal(stack.services.front.image, '${FRONT_IMAGE}', 'left for docker stack deploy to interpolate');
    assert.deepEqual(stack.services.web.deploy.update_config, { parallelism: 1, order: 'start-first', failure_action: 'rollback', monitor: '20s', max_failure_ratio: 0, delay: '3s' });
    assert.deepEqual(stack.services.web.deploy.rollback_config, { parallelism: 1, order: 'start-first', failure_action: 'pause', monitor: '20s' });
    assert.equal(stack.services.web.deploy.endpoint_mode, 'dnsrr');
    assert.equal(stack.services.front.deploy.update_config.order, 'stop-first');
    assert.equal(stack.services.front.deploy.update_config.monitor, '10s');
    assert.deepEqual(stack.services.front.deploy.placement, { constraints: ['node.role == manager'] });
  });

  it('reads Go durations and watches a task as long as its health check can take', () => {
    assert.equal(durationSeconds('1m30s'), 90);
    assert.equal(durationSeconds('500ms'), 0.5);
    assert.equal(durationSeconds('2 s'), undefined);
    assert.equal(monitorSeconds({ intervalSeconds: 2, timeoutSeconds: 1, retries: 4, startPeriodSeconds: 5 }), 20);
    assert.equal(monitorSeconds({ intervalSeconds: 30, timeoutSeconds: 30, retries: 3, startPeriodSeconds: 0 }), 120, 'capped');
    assert.equal(monitorSeconds(undefined), 10);
    assert.equal(monitorSeconds({ intervalSeconds: 2, timeoutSeconds: 5, retries: 90, startPeriodSeconds: 0 }), 120, 'a database\'s first-start allowance is not a judgement window');
  });
});
