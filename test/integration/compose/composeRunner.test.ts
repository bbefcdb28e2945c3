// The compose runner against the real Compose: lines streamed with secrets hidden, failures in one sentence.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DockerUnreachableError } from '../../../src/core/common/errors';
import { composeStep, composeTarget } from '../../../src/core/compose/composeRunner';
import { loadConfig } from '../../../src/core/config';
import { stackLabel, compose as rigCompose } from '../../rig';

describe(`compose runner [${stackLabel()}]`, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-compose-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const secret = 'sEcReT-pass-123';
  fs.writeFileSync(path.join(dir, '.env'), `COMPOSE_PROJECT_NAME=dual-env-runner-test\nSTAGING_DB_PASSWORD=${secret}\n`);
  fs.writeFileSync(path.join(dir, 'docker-compose-dual-env.yml'), [
    'services:',
    '  staging-app:',
    '    image: dual-env-rig/base:bookworm-1',
    '    environment:',
    '      DB_PASSWORD: ${STAGING_DB_PASSWORD}',
    '      GIT_COMMIT: ${GIT_COMMIT:-unknown}',
    '',
  ].join('\n'));

  it('streams config output with the password replaced and the extra variables applied', async () => {
    const config = loadConfig(path.join(dir, 'docker-compose-dual-env.yml'), { env: {} });
    const lines: string[] = [];
    await composeStep(composeTarget(config, await rigCompose(), { GIT_COMMIT: 'abc123' }), ['config'], 'Rendering the config', { onLine: (line) => lines.push(line) });
    const text = lines.join('\n');
    assert.match(text, /GIT_COMMIT: abc123/);
    assert.match(text, /DB_PASSWORD: '?\*\*\*'?/);
    assert.ok(!text.includes(secret));
  });

  it('says in one sentence that the engine cannot be reached', async () => {
    const config = loadConfig(path.join(dir, 'docker-compose-dual-env.yml'), { env: {} });
    const target = composeTarget(config, await rigCompose(), { DOCKER_HOST: `unix://${path.join(dir, 'no-such.sock')}` });
    await assert.rejects(composeStep(target, ['ps'], 'Listing containers'), (error: unknown) =>
      error instanceof DockerUnreachableError && /^Listing containers failed: Compose could not reach the Docker engine;/.test(error.message) && !error.message.includes('Traceback'));
  });
});
