import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/core/common/errors';
import { assertIsolated, checkIsolation, checklistOf, DEFAULT_LOG_PATTERNS, loadConfig, parseConfig } from '../../../src/core/config';
import { databaseOf } from '../../../src/core/operations/backupDatabase';
import { pickEnvironment } from '../../../src/core/operations/operationContext';

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
    // production's ports are the edge's, so that a deploy can run a new frontend and backend beside the old ones
    assert.deepEqual(ports('production-edge'), [80, 443]);
    assert.deepEqual(ports('production-frontend'), []);
    assert.deepEqual(ports('staging-backend'), [5001]);
    assert.deepEqual(ports('production-backend'), []);
    assert.deepEqual(ports('staging-database'), [3308]);
    assert.deepEqual(ports('production-database'), [3307]);
    assert.equal(config.environments[1].database?.port, 3307);
  });

  it('has the six services of the seed and production\'s edge, each with a healthcheck', () => {
    const text = fs.readFileSync(reference, 'utf8');
    assert.deepEqual([...config.services.keys()].sort(), [
      'production-backend', 'production-database', 'production-edge', 'production-frontend',
      'staging-backend', 'staging-database', 'staging-frontend',
    ]);
    assert.equal((text.match(/^\s+healthcheck:/gm) ?? []).length, 7);
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

/** A two-environment file; `staging` and `production` are extra lines under each environment. */
const twoEnvironments = (staging: string[] = [], production: string[] = []) => [
  'services:',
  '  staging-db: { image: m, ports: ["3308:3306"] }',
  '  production-db: { image: m, ports: ["3307:3306"] }',
  'x-dual-env:',
  '  environments:',
  '    staging:',
  '      services: [staging-db]',
  ...staging.map((line) => `      ${line}`),
  '    production:',
  '      services: [production-db]',
  ...production.map((line) => `      ${line}`),
].join('\n');

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

  const refused = (text: string, pattern: RegExp) =>
    assert.throws(() => parseConfig(text, file, { env: {} }), (e: Error) => e instanceof ConfigError && pattern.test(e.message), pattern.source);

  it('refuses a guard whose value is not a boolean, rather than reading it as off', () => {
    refused(twoEnvironments([], ['production: yes']), /`production` must be true or false, not "yes"/);
    refused(twoEnvironments([], ['requireStagingFirst: "true"']), /`requireStagingFirst` must be true or false/);
    refused(twoEnvironments([], ['branch: [main]']), /`branch` must be a string/);
    // left blank, production stays production
    assert.equal(parseConfig(twoEnvironments([], ['production:', 'url:']), file, { env: {} }).environments[1].isProduction, true);
  });

  it('refuses two production environments', () => {
    refused(twoEnvironments(['production: true']), /marks staging and production as production; only one environment can be/);
  });

  it('refuses a database whose service belongs to another environment, or whose name is empty', () => {
    refused(twoEnvironments(['database: { service: production-db, name: s, user: u, passwordVariable: P }']), /`database.service` names `production-db`, which is not one of this environment's services \(staging-db\)/);
    // an empty name is refused where the database is used, so an unset production variable does not stop staging work
    const unset = parseConfig(twoEnvironments(['database: { service: staging-db, name: "${UNSET_NAME:-}", user: u, passwordVariable: P }']), file, { env: {} });
    assert.throws(() => databaseOf(unset.environments[0]), (e: Error) => e instanceof ConfigError && /Staging's database name is empty once its variables are filled in/.test(e.message));
  });

  it('infers environments from prefixes when there is no x-dual-env block', () => {
    const config = parseConfig('services:\n  staging-web: { image: a }\n  production-web: { image: a }\n  other: { image: b }\n', file, { env: {} });
    assert.equal(config.declared, false);
    assert.deepEqual(config.environments.map((e) => [e.name, e.services]), [['staging', ['staging-web']], ['production', ['production-web']]]);
  });
});

describe('the pre-production checklist in x-dual-env', () => {
  const file = path.join(os.tmpdir(), 'dual-env-checklist.yml');
  const withStagingUrl = (production: string[], url = 'url: http://127.0.0.1:8080') => twoEnvironments([url], production);
  const refused = (text: string, line: number, pattern: RegExp) =>
    assert.throws(() => parseConfig(text, file, { env: {} }), (e: Error) => e instanceof ConfigError && e.message.startsWith(`${file}:${line}: `) && pattern.test(e.message) && e.message.split('\n').length === 1, pattern.source);

  it('reads the reference stack\'s smoke paths and log patterns', () => {
    const production = loadConfig(reference, { env }).environments[1];
    assert.deepEqual(production.checklist?.smoke.map((c) => [c.path, c.status, c.onFailure]), [
      ['/healthz', 200, 'refuse'], ['/', 200, 'refuse'], ['/api/health', 200, 'refuse'], ['/api/version', 200, 'refuse'],
    ]);
    assert.equal(production.checklist?.stagingLogs.onFailure, 'warn');
    assert.equal(production.checklist?.smokeTimeoutSeconds, 10);
  });

  it('fills in the defaults: log errors warn with the default patterns, no smoke requests; a bare path refuses on any 2xx', () => {
    const none = parseConfig(withStagingUrl([]), file, { env: {} }).environments[1];
    assert.equal(none.checklist, undefined);
    assert.deepEqual(checklistOf(none), { stagingLogs: { onFailure: 'warn', patterns: [...DEFAULT_LOG_PATTERNS], maxLines: 2000 }, smoke: [], smokeTimeoutSeconds: 10 });
    const some = parseConfig(withStagingUrl(['checklist:', '  smoke: [/login, { path: /api/health, status: 200, onFailure: warn }]', '  stagingLogs: { onFailure: refuse, patterns: ["timeout$$"] }']), file, { env: {} }).environments[1];
    assert.deepEqual(some.checklist?.smoke, [{ path: '/login', status: undefined, onFailure: 'refuse' }, { path: '/api/health', status: 200, onFailure: 'warn' }]);
    // `$$` is Compose's literal `$`
    assert.deepEqual(some.checklist?.stagingLogs, { onFailure: 'refuse', patterns: ['timeout$'], maxLines: 2000 });
  });

  it('refuses, at its line, a value that would make a check mean something else', () => {
    refused(withStagingUrl(['checklist:', '  smoke: [{ path: api/health }]']), 12, /smoke `path` must be a path on staging's url starting with one \/, like \/api\/health, not "api\/health"\.$/);
    refused(withStagingUrl(['checklist:', '  smoke: [{ path: //evil.example/x }]']), 12, /starting with one \//);
    refused(withStagingUrl(['checklist:', '  smoke: [{ path: /x, status: 2000 }]']), 12, /smoke `status` must be an HTTP status code \(100–599\), not 2000\.$/);
    refused(withStagingUrl(['checklist:', '  smoke: [{ path: /x, onFailure: ignore }]']), 12, /`onFailure` must be warn or refuse, not "ignore"\.$/);
    refused(withStagingUrl(['checklist:', '  smoke: [{ path: /x, expect: 200 }]']), 12, /a smoke check has no key `expect`; it takes `path`, `status`, `onFailure`\.$/);
    refused(withStagingUrl(['checklist:', '  stagingLogs: { patterns: ["(unclosed"] }']), 12, /log pattern "\(unclosed" is not a valid regular expression/);
    refused(withStagingUrl(['checklist:', '  stagingLogs: { onFailure: never }']), 12, /`onFailure` must be warn, refuse or off, not "never"\.$/);
    refused(withStagingUrl(['checklist:', '  smokeTimeoutSeconds: 0']), 12, /`smokeTimeoutSeconds` must be a positive number of seconds\.$/);
    refused(withStagingUrl(['checklist:', '  smok: [/x]']), 12, /`checklist` has no key `smok`; it takes `stagingLogs`, `smoke`, `smokeTimeoutSeconds`\.$/);
  });

  it('refuses smoke requests without an http(s) staging url, and a checklist on staging', () => {
    refused(twoEnvironments([], ['checklist: { smoke: [/x] }']), 10, /smoke checks are sent to staging's `url`, and staging has no http or https url; add one\.$/);
    refused(withStagingUrl(['checklist: { smoke: [/x] }'], 'url: ftp://staging'), 11, /staging has no http or https url/);
    refused(twoEnvironments(['checklist: { smoke: [/x] }'], []), 8, /`checklist` runs before a production deploy; move it from `staging` to the production environment\.$/);
  });
});

describe('isolation check', () => {
  const file = path.join(os.tmpdir(), 'dual-env-isolation.yml');
  it('is an error when staging points at the production database', () => {
    const text = twoEnvironments(
      ['database: { service: staging-db, host: 127.0.0.1, port: 3307, name: warehouse_wms, user: u, passwordVariable: P }'],
      ['database: { service: production-db, host: localhost, port: 3307, name: warehouse_wms, user: u, passwordVariable: P }'],
    );
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

  it('is an error when both list one service, share a backups folder, or share a database\'s volume; and operations refuse it', () => {
    const text = [
      'services:',
      '  web: { image: a }',
      '  staging-db: { image: m, volumes: ["data:/var/lib/mysql"] }',
      '  production-db: { image: m, volumes: ["data:/var/lib/mysql"] }',
      'x-dual-env:',
      '  environments:',
      '    staging:',
      '      services: [web, staging-db]',
      '      database: { service: staging-db, port: 3308, name: s, user: u, passwordVariable: P }',
      '      backups: { folder: backups }',
      '    production:',
      '      services: [web, production-db]',
      '      database: { service: production-db, port: 3307, name: p, user: u, passwordVariable: P }',
      '      backups: { folder: backups }',
    ].join('\n');
    const config = parseConfig(text, file, { env: {} });
    const errors = checkIsolation(config).filter((f) => f.severity === 'error').map((f) => f.message);
    assert.equal(errors.length, 3, errors.join('\n'));
    assert.match(errors[0], /both list the service web/);
    assert.match(errors[1], /keep their backups in the same folder/);
    assert.match(errors[2], /share the volume data, which holds database data/);
    assert.throws(() => assertIsolated(config), (e: Error) => e instanceof ConfigError && /does not keep its environments apart, so Dual Env will not change either/.test(e.message));
    // every deploy and rollback picks its environment through this, before it touches anything
    assert.throws(() => pickEnvironment(config, 'staging', false), /does not keep its environments apart/);
  });

  it('compares ports, volumes and networks only of environments on the same engine', () => {
    const text = [
      'services:',
      '  staging-web: { image: a, ports: ["80:80"], volumes: ["data:/d"] }',
      '  production-web: { image: a, ports: ["80:80", "127.0.0.1::5000"], volumes: ["data:/d"] }',
      'x-dual-env:',
      '  environments:',
      '    staging: { services: [staging-web], dockerHost: "ssh://deploy@staging-host" }',
      '    production: { services: [production-web], dockerHost: "ssh://deploy@production-host" }',
    ].join('\n');
    assert.deepEqual(checkIsolation(parseConfig(text, file, { env: {} })), []);
    const oneEngine = parseConfig(text.replace(/, dockerHost: "[^"]+"/g, ''), file, { env: {} });
    assert.deepEqual(checkIsolation(oneEngine).filter((f) => f.severity === 'error').map((f) => f.message), ['Staging and Production both publish host port 80/tcp.'], 'the ephemeral port is no conflict');
  });

  it('warns when two databases share one server', () => {
    const text = [
      'services:',
      '  staging-db: { image: m }',
      '  production-db: { image: m }',
      'x-dual-env:',
      '  environments:',
      '    staging:',
      '      services: [staging-db]',
      '      database: { service: staging-db, host: db.internal, port: 3306, name: s, user: u, passwordVariable: P }',
      '    production:',
      '      services: [production-db]',
      '      database: { service: production-db, host: db.internal, port: 3306, name: p, user: u, passwordVariable: P }',
    ].join('\n');
    const config = parseConfig(text, file, { env: {} });
    const server = checkIsolation(config).filter((f) => /same database server/.test(f.message));
    assert.deepEqual(server, [{ severity: 'warning', message: 'Staging and Production use the same database server db.internal:3306; its root user can reach both databases.' }]);
    assert.doesNotThrow(() => assertIsolated(config));
  });
});
