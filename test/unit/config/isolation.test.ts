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
