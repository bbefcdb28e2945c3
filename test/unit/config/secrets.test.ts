import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/core/common/errors';
import { remediesOf } from '../../../src/core/common/remedies';
import { composeTarget } from '../../../src/core/compose/composeRunner';
import { composeOnlyPasswords, databaseCredentials, parseConfig, secretKey, secretsOf, withStoredPasswords, type SecretSource } from '../../../src/core/config';
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

describe('stored passwords reach Compose through its environment', () => {
  const compose = { program: 'docker', prefix: ['compose'], version: '2.26.1', major: 2 as const };

  it('gives Compose the stored passwords the environment and .env do not set, never one they set', async () => {
    const withStored = await withStoredPasswords(config, secretStorage({ STAGING_DB_PASSWORD: 'vault-app-pw', STAGING_DB_ROOT_PASSWORD: 'vault-root-pw' }));
    assert.deepEqual(withStored.storedPasswords, { STAGING_DB_PASSWORD: 'vault-app-pw', STAGING_DB_ROOT_PASSWORD: 'vault-root-pw' });
    // .env's STAGING_DB_PASSWORD wins: set in the child's environment, the stored one would override it
    assert.deepEqual(composeOnlyPasswords(withStored), { STAGING_DB_ROOT_PASSWORD: 'vault-root-pw' });
    const target = composeTarget(withStored, compose, { GIT_COMMIT: 'abc' });
    assert.deepEqual(target.passwords, { STAGING_DB_ROOT_PASSWORD: 'vault-root-pw' });
    // every stored password is redacted, the one Compose does not get too
    assert.deepEqual([...target.secrets].sort(), ['from-dotenv-pw', 'vault-app-pw', 'vault-root-pw']);
  });

  it('counts an empty value in .env as unset, as Compose\'s ${VAR:?} does', async () => {
    const empty = parseConfig(text, config.file, { env: { STAGING_DB_PASSWORD: '' } });
    const withStored = await withStoredPasswords(empty, secretStorage({ STAGING_DB_PASSWORD: 'vault-app-pw' }));
    assert.deepEqual(composeOnlyPasswords(withStored), { STAGING_DB_PASSWORD: 'vault-app-pw' });
  });

  it('gives Compose nothing without a secret source (the CLI)', () => {
    assert.deepEqual(composeTarget(config, compose).passwords, {});
  });
});

describe('a database password that is set nowhere', () => {
  it('is refused naming the variable and its environment, with Set Database Password as the remedy', async () => {
    const none = parseConfig(text, config.file, { env: {} });
    await assert.rejects(databaseCredentials(none, staging.database!, { secrets: secretStorage({}) }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, `The database password is not set: STAGING_DB_PASSWORD (Staging's database) is in neither the environment, nor .env beside ${config.file}, nor the secret storage.`);
      assert.deepEqual(remediesOf(error), [{ kind: 'setDatabasePassword', environment: 'staging', variable: 'STAGING_DB_PASSWORD' }]);
      return true;
    });
  });

  it('is found in the secret source when the environment and .env lack it', async () => {
    const none = parseConfig(text, config.file, { env: {} });
    const credentials = await databaseCredentials(none, staging.database!, { asRoot: true, secrets: secretStorage({ STAGING_DB_ROOT_PASSWORD: 'vault-root-pw' }) });
    assert.equal(credentials.password, 'vault-root-pw');
  });
});
