import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../src/core/config';
import { configRefusal } from '../../support/configRefusal';

const file = path.join(os.tmpdir(), 'dual-env-edge-config.yml');

/** A production environment of an edge, a web and an api service, and a worker outside it; `extra` is the rest of its `{ … }`. */
function withProduction(extra: string) {
  const text = [
    'services:',
    '  edge: { image: nginx }',
    '  web: { build: ./web }',
    '  api: { build: ./api }',
    '  worker: { build: ./worker }',
    'x-dual-env:',
    '  environments:',
    `    production: { services: [edge, web, api], ${extra} }`,
  ].join('\n');
  return parseConfig(text, file, { env: {} }).environments[0];
}

const refusal = (extra: string) => configRefusal(() => withProduction(extra), extra);

describe('the edge of an environment in x-dual-env', () => {
  it('reads the edge service and the services it fronts; absent, there is none', () => {
    assert.deepEqual(withProduction('edge: { service: edge, fronts: [web, api] }').edge, { service: 'edge', fronts: ['web', 'api'] });
    assert.equal(withProduction('label: Production').edge, undefined);
  });

  it('refuses, in one sentence each, what would leave a service unguarded or name nothing', () => {
    assert.match(refusal('edge: edge'), /`edge` must be a mapping that names the edge service/);
    assert.match(refusal('edge: { service: edge, fronts: [web], front: [api] }'), /`edge\.front` is not an edge setting; the block takes `service`, `fronts`\./);
    assert.match(refusal('edge: { fronts: [web] }'), /`edge\.service` is required/);
    assert.match(refusal('edge: { service: proxy, fronts: [web] }'), /`edge\.service` names `proxy`, which is not one of environment `production`'s services\./);
    assert.match(refusal('edge: { service: edge }'), /`edge\.fronts` must be a non-empty list/);
    assert.match(refusal('edge: { service: edge, fronts: [] }'), /`edge\.fronts` must be a non-empty list/);
    assert.match(refusal('edge: { service: edge, fronts: [web, worker] }'), /`edge\.fronts` names `worker`, which is not one of environment `production`'s services\./);
    assert.match(refusal('edge: { service: edge, fronts: [edge] }'), /`edge\.fronts` names the edge `edge` itself\./);
    assert.match(refusal('edge: { service: edge, fronts: [web, web] }'), /`edge\.fronts` names `web` twice\./);
    assert.match(refusal('edge: { service: edge, fronts: [{ web: 1 }] }'), /`edge\.fronts` takes service names/);
    assert.match(refusal('edge: { service: edge, fronts: [web] }, swarm: { stack: shop }'), /`edge` is for an environment run with Compose/);
  });

  it('is declared for the reference stack\'s production, fronting its frontend and backend', () => {
    const compose = path.resolve(__dirname, '../../../docker-compose-dual-env.yml');
    const config = parseConfig(fs.readFileSync(compose, 'utf8'), compose, { env: { STAGING_DB_PASSWORD: 'x', STAGING_DB_ROOT_PASSWORD: 'x', PRODUCTION_DB_PASSWORD: 'x', PRODUCTION_DB_ROOT_PASSWORD: 'x' } });
    assert.deepEqual(config.environments.find((e) => e.name === 'production')?.edge, { service: 'production-edge', fronts: ['production-frontend', 'production-backend'] });
    assert.equal(config.environments.find((e) => e.name === 'staging')?.edge, undefined);
  });
});
