import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig, secretKey, secretsOf, withStoredPasswords, type SecretSource } from '../../../src/core/config';
import { readEnvironmentStatus } from '../../../src/core/docker/discovery';
import { fakeEngineRunning } from '../../support/fakeEngine';

const text = [
  'services:',
  '  staging-db: { image: mysql:8.0 }',
  'x-dual-env:',
  '  environments:',
  '    staging:',
  '      services: [staging-db]',
  '      database: { service: staging-db, port: 3308, name: s, user: u, passwordVariable: STAGING_DB_PASSWORD, rootPasswordVariable: STAGING_DB_ROOT_PASSWORD }',
].join('\n');
const config = parseConfig(text, path.join(os.tmpdir(), 'dual-env-secrets.yml'), { env: { STAGING_DB_PASSWORD: 'from-dotenv-pw' } });
const [staging] = config.environments;

/** The extension's SecretStorage, as the core sees it: keys by secretKey. */
function secretStorage(values: Record<string, string>): SecretSource {
  const stored = new Map(Object.entries(values).map(([variable, value]) => [secretKey(config, variable), value]));
  return { get: async (key) => stored.get(key) };
}

describe('secrets kept out of what people see', () => {
  it('redacts a password the extension keeps in SecretStorage, as one from .env', async () => {
    assert.deepEqual(secretsOf(config), ['from-dotenv-pw']);
    const withStored = await withStoredPasswords(config, secretStorage({ STAGING_DB_ROOT_PASSWORD: 'from-vault-root-pw' }));
    assert.deepEqual(secretsOf(withStored), ['from-vault-root-pw', 'from-dotenv-pw']);
    // nothing stored, no secret source (the CLI): the config's own secrets only
    assert.deepEqual(secretsOf(await withStoredPasswords(config, secretStorage({}))), ['from-dotenv-pw']);
    assert.equal(await withStoredPasswords(config), config);
  });

  it('redacts the failing health probe\'s output in the status', async () => {
    const probeOutput = 'mysqladmin -uroot -pfrom-dotenv-pw ping: Access denied for root using from-vault-root-pw\n';
    const engine = fakeEngineRunning(config.projectName, staging.services, { status: 'unhealthy', probeOutput });
    assert.equal((await readEnvironmentStatus(engine, config, staging)).reason, 'staging-db is unhealthy (mysqladmin -uroot -p*** ping: Access denied for root using from-vault-root-pw).');
    const withStored = await withStoredPasswords(config, secretStorage({ STAGING_DB_ROOT_PASSWORD: 'from-vault-root-pw' }));
    const status = await readEnvironmentStatus(engine, withStored, staging);
    assert.equal(status.reason, 'staging-db is unhealthy (mysqladmin -uroot -p*** ping: Access denied for root using ***).');
    assert.equal(status.containers[0].healthLog, 'mysqladmin -uroot -p*** ping: Access denied for root using ***');
  });
});
