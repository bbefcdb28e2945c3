import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { assertIsolated, checkIsolation, parseConfig } from '../../../src/core/config';
import { canonicalImageName } from '../../../src/core/config/isolation';

const file = path.join(os.tmpdir(), 'dual-env-isolation.yml');

/** Two one-service environments on one engine; each service line is the body of its `{ … }`. */
function twoServices(staging: string, production: string, env: Record<string, string> = {}) {
  const text = [
    'services:',
    `  staging-web: { ${staging} }`,
    `  production-web: { ${production} }`,
    'x-dual-env:',
    '  environments:',
    '    staging: { services: [staging-web] }',
    '    production: { services: [production-web] }',
  ].join('\n');
  return parseConfig(text, file, { env });
}
const errorsOf = (config: ReturnType<typeof twoServices>) => checkIsolation(config).filter((f) => f.severity === 'error').map((f) => f.message);

describe('isolation of image names', () => {
  it('is an error when staging builds the image name production runs', () => {
    const config = twoServices('build: ./app, image: wms-backend:latest', 'image: wms-backend');
    assert.deepEqual(errorsOf(config), [
      "Staging's staging-web builds the image wms-backend:latest that Production's production-web also uses, so a Staging build would replace what Production starts on its next recreate; give each environment its own image name.",
    ]);
    assert.throws(() => assertIsolated(config), /does not keep its environments apart/);
  });

  it('is an error when both build one image name after interpolation', () => {
    const config = twoServices('build: ./app, image: "${APP_IMAGE}"', 'build: ./app, image: "registry.local:5000/wms:${TAG:-1}"', { APP_IMAGE: 'registry.local:5000/wms:1' });
    assert.equal(errorsOf(config).length, 1);
    assert.match(errorsOf(config)[0], /builds the image registry\.local:5000\/wms:1 /);
  });

  it('allows one image both only pull, distinct built images, and one name on separate engines', () => {
    assert.deepEqual(errorsOf(twoServices('image: mysql:8.0', 'image: docker.io/library/mysql:8.0')), []);
    assert.deepEqual(errorsOf(twoServices('build: ./app, image: wms:staging', 'build: ./app, image: wms:production')), []);
    const apart = parseConfig([
      'services:',
      '  staging-web: { build: ./app, image: wms }',
      '  production-web: { image: wms }',
      'x-dual-env:',
      '  environments:',
      '    staging: { services: [staging-web], dockerHost: "ssh://deploy@staging-host" }',
      '    production: { services: [production-web], dockerHost: "ssh://deploy@production-host" }',
    ].join('\n'), file, { env: {} });
    assert.deepEqual(errorsOf(apart), []);
  });

  it('names an image the way the engine does', () => {
    assert.equal(canonicalImageName('mysql'), 'mysql:latest');
    assert.equal(canonicalImageName('docker.io/library/mysql:8.0'), 'mysql:8.0');
    assert.equal(canonicalImageName('registry.local:5000/team/app'), 'registry.local:5000/team/app:latest');
    assert.equal(canonicalImageName('app@sha256:abc'), 'app@sha256:abc');
  });
});

/**
 * Two environments that share everything a machine holds: one published port, network,
 * database data volume, other volume, bind mount, built image name, loopback database
 * (same name and port) and backups folder; each on the Docker host given (none: local).
 */
function sharingEverything(stagingHost: string | undefined, productionHost: string | undefined, env: Record<string, string> = {}) {
  const service = (name: string) => [
    `  ${name}-web: { build: ./app, image: wms, ports: ["8080:80"], networks: [shared], volumes: ["uploads:/u", "./files:/f"] }`,
    `  ${name}-db: { image: "mysql:8.0", ports: ["127.0.0.1:3306:3306"], volumes: ["dbdata:/var/lib/mysql"] }`,
  ];
  const environment = (name: string, host: string | undefined) => [
    `    ${name}:`,
    `      services: [${name}-web, ${name}-db]`,
    ...(host ? [`      dockerHost: "${host}"`] : []),
    `      database: { service: ${name}-db, host: 127.0.0.1, port: 3306, name: wms, user: wms, passwordVariable: DB_PASSWORD }`,
    '      backups: { folder: ./backups }',
  ];
  const text = [
    'services:', ...service('staging'), ...service('production'),
    'networks: { shared: {} }',
    'volumes: { uploads: {}, dbdata: {} }',
    'x-dual-env:', '  environments:',
    ...environment('staging', stagingHost), ...environment('production', productionHost),
  ].join('\n');
  return checkIsolation(parseConfig(text, file, { env }), env).map((f) => f.message);
}
/** What each machine holds, as the findings name it (the backups folder and database are asserted apart). */
const MACHINE_SHARES = [/host port 8080\/tcp/, /host port 3306\/tcp/, /the network shared/, /the volume dbdata, which holds database data/, /the volume uploads\./, /the bind mount/, /builds the image wms:latest/];

describe('isolation across machines', () => {
  it('finds every shared port, volume, network, bind, image, database and folder on one local engine', () => {
    const found = sharingEverything(undefined, undefined);
    for (const share of [...MACHINE_SHARES, /same database wms on 127\.0\.0\.1:3306/, /same folder/]) assert.ok(found.some((m) => share.test(m)), `${share} in ${found.join(' | ')}`);
  });

  it('finds them all on one server, whatever user, port or case its addresses name', () => {
    for (const [a, b] of [['ssh://prod', 'ssh://prod'], ['ssh://prod', 'ssh://deploy@PROD:22'], ['ssh://prod.example.com.', 'tcp://prod.example.com:2376'], ['ssh://alice@prod:2222', 'ssh://bob@prod']]) {
      const found = sharingEverything(a, b);
      for (const share of [...MACHINE_SHARES, /same database wms on 127\.0\.0\.1:3306/]) assert.ok(found.some((m) => share.test(m)), `${a} and ${b}: ${share} in ${found.join(' | ')}`);
      // each keeps its backups in a volume on the server named after it, never in the folder both name
      assert.ok(!found.some((m) => /same folder/.test(m)), `${a} and ${b}: ${found.join(' | ')}`);
    }
  });

  it('counts the local socket, loopback addresses and DOCKER_HOST as the machine they are', () => {
    for (const [a, b, env] of [
      [undefined, 'unix:///var/run/docker.sock', {}],
      [undefined, 'unix:///run/user/1000/docker.sock', {}],
      [undefined, 'ssh://localhost', {}],
      ['tcp://127.0.0.1:2375', 'ssh://root@[::1]:22', {}],
      // staging without dockerHost goes where DOCKER_HOST points: production's server
      [undefined, 'ssh://deploy@prod', { DOCKER_HOST: 'ssh://prod:22' }],
    ] as const) {
      const found = sharingEverything(a, b, env);
      for (const share of MACHINE_SHARES) assert.ok(found.some((m) => share.test(m)), `${a} and ${b} (${JSON.stringify(env)}): ${share} in ${found.join(' | ')}`);
    }
  });

  it('finds nothing a machine holds between this machine and a server, or between two servers', () => {
    for (const [a, b, env] of [
      [undefined, 'ssh://prod', {}],
      ['ssh://staging-host', 'ssh://prod', {}],
      ['ssh://deploy@staging-host:22', 'tcp://prod:2376', {}],
      // DOCKER_HOST moves staging off this machine, onto its own server
      [undefined, 'unix:///var/run/docker.sock', { DOCKER_HOST: 'ssh://staging-host' }],
    ] as const) {
      assert.deepEqual(sharingEverything(a, b, env), [], `${a} and ${b} (${JSON.stringify(env)})`);
    }
  });

  it('still finds one database both reach by a name that is not loopback, from two machines', () => {
    const text = (host: string) => [
      'services:', '  staging-web: { image: wms }', '  production-web: { image: wms }',
      'x-dual-env:', '  environments:',
      `    staging: { services: [staging-web], database: { service: staging-web, host: ${host}, port: 3306, name: wms, user: wms, passwordVariable: P } }`,
      `    production: { services: [production-web], dockerHost: "ssh://prod", database: { service: production-web, host: ${host}, port: 3306, name: wms, user: wms, passwordVariable: P } }`,
    ].join('\n');
    const shared = checkIsolation(parseConfig(text('db.internal'), file, { env: {} }), {});
    assert.deepEqual(shared.map((f) => f.message), ['Staging and Production use the same database wms on db.internal:3306; a staging change would reach production data.']);
    assert.deepEqual(checkIsolation(parseConfig(text('localhost'), file, { env: {} }), {}), []);
  });

  it('refuses an operation only for what one machine shares', () => {
    const config = (production: string) => parseConfig([
      'services:', '  staging-web: { image: wms, ports: ["8080:80"] }', '  production-web: { image: wms, ports: ["8080:80"] }',
      'x-dual-env:', '  environments:',
      '    staging: { services: [staging-web] }',
      `    production: { services: [production-web], dockerHost: "${production}" }`,
    ].join('\n'), file, { env: {} });
    assert.doesNotThrow(() => assertIsolated(config('ssh://prod'), {}));
    assert.throws(() => assertIsolated(config('ssh://localhost'), {}), /both publish host port 8080\/tcp/);
  });
});
