import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { checkIsolation, parseConfig } from '../../../src/core/config';
import { configRefusal } from '../../support/configRefusal';
import { UsageError } from '../../../src/core/common/errors';
import { pickEnvironment, targetFor } from '../../../src/core/operations/operationContext';

const file = path.join(os.tmpdir(), 'dual-env-swarm-config.yml');

/** Staging on one host with Compose, production as `productionExtra` says (the body of its `{ … }`). */
function withProduction(productionExtra: string, stagingExtra = '', env: Record<string, string> = {}) {
  const text = [
    'services:',
    '  staging-web: { image: web }',
    '  production-web: { image: web }',
    'x-dual-env:',
    '  environments:',
    `    staging: { services: [staging-web]${stagingExtra ? `, ${stagingExtra}` : ''} }`,
    `    production: { services: [production-web], ${productionExtra} }`,
  ].join('\n');
  return parseConfig(text, file, { env });
}

const refusal = (extra: string) => configRefusal(() => withProduction(extra), extra);

describe('the Swarm environment kind in x-dual-env', () => {
  it('reads the stack and keeps dockerHost as the manager', () => {
    const config = withProduction('dockerHost: "ssh://deploy@manager-1", swarm: { stack: shop }');
    const [staging, production] = config.environments;
    assert.equal(staging.swarm, undefined);
    assert.deepEqual(production.swarm, { stack: 'shop' });
    assert.equal(production.dockerHost, 'ssh://deploy@manager-1');
  });

  it('reads the registry the cluster pulls from, as host:port or a dotted host', () => {
    assert.deepEqual(withProduction('swarm: { stack: shop, registry: "10.0.0.5:5000" }').environments[1].swarm, { stack: 'shop', registry: '10.0.0.5:5000' });
    assert.equal(withProduction('swarm: { stack: shop, registry: registry.internal.example }').environments[1].swarm?.registry, 'registry.internal.example');
    assert.equal(withProduction('swarm: { stack: shop, registry: "${REGISTRY}" }', '', { REGISTRY: 'localhost:5000' }).environments[1].swarm?.registry, 'localhost:5000');
  });

  it('refuses a registry Docker would not read as one (a Hub user name, a URL, a path, a port out of range), in one sentence', () => {
    for (const registry of ['shop', 'http://10.0.0.5:5000', '10.0.0.5:5000/team', 'user@reg.example:5000', '10.0.0.5:70000', 'Reg.Example:5000', '""', '5000']) {
      assert.match(refusal(`swarm: { stack: shop, registry: ${registry} }`), /:7: `swarm\.registry` must be the (registry's )?host:port/, registry);
    }
  });

  it('interpolates the stack name', () => {
    const config = withProduction('swarm: { stack: "${STACK:-shop}" }', '', { STACK: 'shop-eu' });
    assert.equal(config.environments[1].swarm?.stack, 'shop-eu');
  });

  it('refuses a swarm block that is blank, a string, without a stack, or with an unknown key, each in one sentence at its line', () => {
    const cases: Array<[string, RegExp]> = [
      ['swarm: ', /:7: `swarm` must be a mapping that names the stack \(`swarm: \{ stack: shop \}`\)\.$/],
      ['swarm: shop', /:7: `swarm` must be a mapping that names the stack/],
      ['swarm: {}', /:7: `swarm\.stack` is required: the name of the stack the environment runs as\.$/],
      ['swarm: { stack: shop, replicas: 2 }', /:7: `swarm\.replicas` is not a Swarm setting; the block takes `stack`, `registry`\.$/],
      ['swarm: { stack: 12 }', /:7: `swarm\.stack` must be a string, not 12\.$/],
      ['swarm: { stack: Shop.EU }', /:7: `swarm\.stack` must be lower-case letters, digits, `-` and `_` \(starting with a letter or digit\), not "Shop\.EU"\.$/],
    ];
    for (const [extra, expected] of cases) {
      const message = refusal(extra);
      assert.match(message, expected, extra);
      assert.equal(message.split('. ').length, 1, `one sentence for ${extra}: ${message}`);
    }
  });

  it('is an isolation error when two environments run as one stack on one swarm, and fine on two swarms or with two stacks', () => {
    const errors = (production: string, staging: string) => checkIsolation(withProduction(production, staging)).filter((f) => f.severity === 'error').map((f) => f.message);
    assert.deepEqual(errors('dockerHost: "ssh://m1", swarm: { stack: shop }', 'dockerHost: "ssh://m1", swarm: { stack: shop }'), [
      'Staging and Production both run as the Swarm stack shop on one swarm; deploying one would replace or remove the other\'s services.',
    ]);
    assert.deepEqual(errors('dockerHost: "ssh://m1", swarm: { stack: shop }', 'dockerHost: "ssh://m1", swarm: { stack: shop-staging }'), []);
    assert.deepEqual(errors('dockerHost: "ssh://m1", swarm: { stack: shop }', 'dockerHost: "ssh://m2", swarm: { stack: shop }'), []);
  });

  it('is refused by every Compose path (deploy, rollback, start, stop) in one sentence, since Compose on a manager would start plain containers', () => {
    const config = withProduction('dockerHost: "ssh://m1", swarm: { stack: shop }');
    const expected = (e: unknown) => e instanceof UsageError
      && e.message === 'Production runs on Docker Swarm as the stack shop, which Dual Env shows, deploys to production and rolls back but does not yet start, stop or deploy as staging; use docker stack for that for now.';
    assert.throws(() => pickEnvironment(config, 'production', true), expected);
    assert.throws(() => targetFor({ config, compose: { major: 2, command: 'docker', args: ['compose'] } as never }, config.environments[1]), expected);
    assert.equal(pickEnvironment(config, 'staging', false).name, 'staging');
  });
});
