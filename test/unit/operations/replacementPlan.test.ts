import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../src/core/config';
import { describeReplacement, planReplacement } from '../../../src/core/operations/replacementPlan';

const file = path.join(os.tmpdir(), 'dual-env-replacement.yml');

/** A production environment of the given services (`name: { … }` bodies) and x-dual-env lines of its own. */
function production(services: Record<string, string>, extra: string[] = []) {
  const text = [
    'services:',
    ...Object.entries(services).map(([name, body]) => `  ${name}: { ${body} }`),
    'x-dual-env:',
    '  environments:',
    `    production: { services: [${Object.keys(services).join(', ')}]${extra.length ? `, ${extra.join(', ')}` : ''} }`,
  ].join('\n');
  const config = parseConfig(text, file, { env: {} });
  return { config, environment: config.environments[0] };
}

describe('how a production deploy replaces each service', () => {
  it('starts a service beside the old one unless it cannot run twice, and says why for those', () => {
    const { config, environment } = production({
      web: 'build: ./web, ports: ["127.0.0.1::80"]',
      api: 'build: ./api, ports: ["127.0.0.1:5000:5000"]',
      named: 'build: ./named, container_name: wms-named',
      worker: 'build: ./worker',
    }, ['singletons: [worker]']);
    assert.deepEqual(planReplacement(config, environment, ['web', 'api', 'named', 'worker']), [
      { service: 'web', how: 'beside' },
      { service: 'api', how: 'recreate', why: 'the host port 5000 it publishes can be held by one container only' },
      { service: 'named', how: 'recreate', why: 'its fixed container_name wms-named can be held by one container only' },
      { service: 'worker', how: 'recreate', why: 'x-dual-env lists it among the singletons, which must never run twice' },
    ]);
  });

  it('recreates every service in a maintenance window', () => {
    const { config, environment } = production({ web: 'build: ./web' });
    assert.deepEqual(planReplacement(config, environment, ['web'], true), [{ service: 'web', how: 'recreate', why: 'the maintenance window asked for stops the old version first' }]);
  });

  it('refuses a singleton that is not a service of the environment, and reads drainSeconds with its default', () => {
    assert.throws(() => production({ web: 'build: ./web' }, ['singletons: [wrker]']), /`singletons` names `wrker`, which is not one of environment `production`'s services/);
    assert.equal(production({ web: 'build: ./web' }).environment.drainSeconds, 30);
    assert.equal(production({ web: 'build: ./web' }, ['drainSeconds: 5']).environment.drainSeconds, 5);
  });

  it('marks the services an edge fronts, and the confirmation says when each gets requests', () => {
    const { config, environment } = production({ edge: 'image: nginx, ports: ["127.0.0.1:80:80"]', web: 'build: ./web', worker: 'build: ./worker' }, ['edge: { service: edge, fronts: [web] }']);
    const replacement = planReplacement(config, environment, ['web', 'worker']);
    assert.deepEqual(replacement, [{ service: 'web', how: 'beside', edge: 'edge' }, { service: 'worker', how: 'beside' }]);
    const [line] = describeReplacement(replacement, 60, 30);
    assert.match(line, /^Without downtime: web, worker start beside the running version; web gets requests only once healthy \(edge holds them on the old container until then\); worker gets requests as soon as it runs \(no edge fronts it/);
    assert.match(line, /Once they are healthy, the old containers get 30 s to finish their requests and go\./);
  });
});
