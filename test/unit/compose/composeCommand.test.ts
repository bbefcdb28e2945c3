// Compose detection with stand-in programs on PATH: this machine has only
// Compose v1, so v2's plugin form is proven by what Dual Env would run.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { composeArgs, detectCompose } from '../../../src/core/compose/composeCommand';
import { secretsOf } from '../../../src/core/config';

const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-fake-compose-'));
after(() => fs.rmSync(bin, { recursive: true, force: true }));

function fakeProgram(name: string, versionOutput: string | undefined): void {
  const body = versionOutput === undefined
    ? '#!/bin/sh\necho "unknown command" >&2\nexit 1\n'
    : `#!/bin/sh\ncase "$*" in *"version --short"*) echo "${versionOutput}";; *) exit 1;; esac\n`;
  fs.writeFileSync(path.join(bin, name), body, { mode: 0o755 });
}

const onlyFakes = () => ({ ...process.env, PATH: bin });

describe('detectCompose', () => {
  it('prefers the v2 plugin and builds `docker compose …` arguments', async () => {
    fakeProgram('docker', 'v2.29.7');
    fakeProgram('docker-compose', '1.29.2');
    const compose = await detectCompose('auto', onlyFakes());
    assert.deepEqual([compose.program, compose.major, compose.version], ['docker', 2, '2.29.7']);
    const args = composeArgs(compose, { file: '/p/c.yml', projectName: 'wms', projectDir: '/p' }, ['up', '-d', 'staging-backend']);
    assert.deepEqual(args, ['compose', '--file', '/p/c.yml', '--project-name', 'wms', '--project-directory', '/p', 'up', '-d', 'staging-backend']);
  });

  it('falls back to docker-compose v1 when the plugin is missing', async () => {
    fakeProgram('docker', undefined);
    fakeProgram('docker-compose', '1.29.2');
    const compose = await detectCompose('auto', onlyFakes());
    assert.deepEqual([compose.program, compose.major, compose.prefix], ['docker-compose', 1, []]);
  });

  it('honours an explicit v1 preference even when v2 exists', async () => {
    fakeProgram('docker', 'v2.29.7');
    fakeProgram('docker-compose', '1.29.2');
    assert.equal((await detectCompose('v1', onlyFakes())).major, 1);
  });

  it('says what to install when neither exists', async () => {
    fs.rmSync(path.join(bin, 'docker'));
    fs.rmSync(path.join(bin, 'docker-compose'));
    await assert.rejects(detectCompose('auto', onlyFakes()), /Docker Compose was not found: install/);
  });
});

describe('secretsOf', () => {
  const config = (variables: Record<string, string>) => ({
    variables, environments: [{ database: { passwordVariable: 'APP_DB_PASSWORD' } }],
  }) as unknown as Parameters<typeof secretsOf>[0];

  it('redacts declared passwords and long values of secret-named variables, longest first', () => {
    assert.deepEqual(secretsOf(config({ APP_DB_PASSWORD: 'pw-abc', ROOT_PASSWORD: 'pw-abc-root', API_TOKEN: 'tok-123456', PORT: '8080' })), ['pw-abc-root', 'tok-123456', 'pw-abc']);
  });

  it('leaves short values of variables merely named like secrets, which would blank common text', () => {
    assert.deepEqual(secretsOf(config({ TOKEN_TTL: '3600', PASSWORD_MIN_LENGTH: '8', APP_DB_PASSWORD: '' })), []);
  });
});
