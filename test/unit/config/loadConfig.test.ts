import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/core/common/errors';
import { checkIsolation, loadConfig, parseConfig } from '../../../src/core/config';

// a copy in a folder without .env, so a developer's or the rig's .env cannot change what is read
const referenceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-ref-'));
const reference = path.join(referenceDir, 'docker-compose-dual-env.yml');
fs.copyFileSync(path.resolve(__dirname, '../../../docker-compose-dual-env.yml'), reference);
const env = { STAGING_DB_PASSWORD: 's', PRODUCTION_DB_PASSWORD: 'p' };

describe('loadConfig on the reference compose file', () => {
  const config = loadConfig(reference, { env: { ...env, COMPOSE_PROJECT_NAME: 'wms' } });

  it('reads both environments from x-dual-env with the seed values', () => {
    assert.equal(config.declared, true);
    assert.deepEqual(config.environments.map((e) => e.name), ['staging', 'production']);
    const [staging, production] = config.environments;
    assert.equal(staging.isProduction, false);
    assert.equal(production.isProduction, true);
    assert.equal(production.branchPattern, 'stable/prisma-mysql-*');
    assert.equal(production.database?.name, 'warehouse_wms');
    assert.equal(production.database?.user, 'wms_user');
    assert.equal(staging.database?.name, 'warehouse_wms_staging');
    assert.equal(staging.database?.user, 'staging_user');
    assert.equal(production.backups.retention, 10);
    assert.equal(config.projectName, 'wms');
  });

  it('interpolates published ports with the seed defaults', () => {
    const ports = (service: string) => config.services.get(service)?.ports.map((p) => p.hostPort);
    assert.deepEqual(ports('staging-frontend'), [8080, 8443]);
    assert.deepEqual(ports('production-frontend'), [80, 443]);
    assert.deepEqual(ports('staging-backend'), [5001]);
    assert.deepEqual(ports('production-backend'), [5000]);
    assert.deepEqual(ports('staging-database'), [3308]);
    assert.deepEqual(ports('production-database'), [3307]);
    assert.equal(config.environments[1].database?.port, 3307);
  });

  it('has exactly the six services of the seed, each with a healthcheck', () => {
    const text = fs.readFileSync(reference, 'utf8');
    assert.deepEqual([...config.services.keys()].sort(), [
      'production-backend', 'production-database', 'production-frontend',
      'staging-backend', 'staging-database', 'staging-frontend',
    ]);
    assert.equal((text.match(/^\s+healthcheck: \*/gm) ?? []).length, 6);
  });

  it('keeps passwords out of the file', () => {
    const text = fs.readFileSync(reference, 'utf8');
    const assignments = [...text.matchAll(/PASSWORD:\s*(.+)$/gm)];
    assert.equal(assignments.length, 6);
    for (const match of assignments) assert.match(match[1], /^\$\{[A-Z_]+:\?/);
  });

  it('warns about the shared uploads bind mount and finds no error', () => {
    const findings = checkIsolation(config);
    assert.deepEqual(findings.filter((f) => f.severity === 'error'), []);
    assert.ok(findings.some((f) => f.severity === 'warning' && f.message.includes(path.join('examples', 'wms', 'backend', 'uploads'))));
  });

  it('lets a variable move a published port', () => {
    const moved = loadConfig(reference, { env: { ...env, STAGING_HTTP_PORT: '18080' } });
    assert.deepEqual(moved.services.get('staging-frontend')?.ports.map((p) => p.hostPort), [18080, 8443]);
  });
});

describe('loadConfig errors name the file and the line', () => {
  const file = path.join(os.tmpdir(), 'dual-env-test.yml');

  it('reports a missing file', () => {
    assert.throws(() => loadConfig(path.join(os.tmpdir(), 'nope', 'x.yml')), (e: Error) => e instanceof ConfigError && /not found/.test(e.message));
  });

  it('reports malformed YAML with its line', () => {
    assert.throws(() => parseConfig('services:\n  a:\n    image: [x\n', file), (e: Error) => e instanceof ConfigError && e.message.startsWith(`${file}:`) && /not valid YAML/.test(e.message));
  });

  it('reports an x-dual-env service the compose file lacks, at its line', () => {
    const text = [
      'services:',
      '  staging-web: { image: nginx }',
      'x-dual-env:',
      '  environments:',
      '    staging:',
      '      services:',
      '        - staging-web',
      '        - staging-ghost',
    ].join('\n');
    assert.throws(() => parseConfig(text, file, { env: {} }), (e: Error) => e instanceof ConfigError && e.message.startsWith(`${file}:8:`) && e.message.includes('staging-ghost'));
  });

  it('infers environments from prefixes when there is no x-dual-env block', () => {
    const config = parseConfig('services:\n  staging-web: { image: a }\n  production-web: { image: a }\n  other: { image: b }\n', file, { env: {} });
    assert.equal(config.declared, false);
    assert.deepEqual(config.environments.map((e) => [e.name, e.services]), [['staging', ['staging-web']], ['production', ['production-web']]]);
  });
});

describe('isolation check', () => {
  const file = path.join(os.tmpdir(), 'dual-env-isolation.yml');
  it('is an error when staging points at the production database', () => {
    const text = [
      'services:',
      '  staging-db: { image: m, ports: ["3308:3306"] }',
      '  production-db: { image: m, ports: ["3307:3306"] }',
      'x-dual-env:',
      '  environments:',
      '    staging:',
      '      services: [staging-db]',
      '      database: { service: staging-db, host: 127.0.0.1, port: 3307, name: warehouse_wms, user: u, passwordVariable: P }',
      '    production:',
      '      services: [production-db]',
      '      database: { service: production-db, host: localhost, port: 3307, name: warehouse_wms, user: u, passwordVariable: P }',
    ].join('\n');
    const findings = checkIsolation(parseConfig(text, file, { env: {} }));
    assert.equal(findings.filter((f) => f.severity === 'error').length, 1);
    assert.match(findings[0].message, /same database warehouse_wms/);
  });

  it('is an error when both publish the same port, a warning for a shared network and volume', () => {
    const text = [
      'services:',
      '  staging-web: { image: a, ports: ["8080:80"], networks: [shared], volumes: ["data:/d"] }',
      '  production-web: { image: a, ports: ["127.0.0.1:8080:80"], networks: [shared], volumes: ["data:/d"] }',
    ].join('\n');
    const findings = checkIsolation(parseConfig(text, file, { env: {} }));
    assert.deepEqual(findings.map((f) => f.severity).sort(), ['error', 'warning', 'warning']);
  });
});
