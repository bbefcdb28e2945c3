// The clean export production is built from, against real git and the real Compose:
// the build contexts come from the commit, the compose file, .env and env files from the project folder.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { composeStep, composeTarget } from '../../../src/core/compose/composeRunner';
import { loadConfig } from '../../../src/core/config';
import { DeployRefusedError } from '../../../src/core/operations/deployPreflight';
import { buildingFrom, exportRelease, releaseContexts } from '../../../src/core/operations/releaseSource';
import { stackLabel, compose as rigCompose } from '../../rig';
import { makeTempRepo } from '../../support/gitRepo';

describe(`release source [${stackLabel()}]`, () => {
  // the compose project sits in a subfolder (with a space) of the repository
  const repo = makeTempRepo('main', (dir) => {
    const app = path.join(dir, 'app dir');
    fs.mkdirSync(path.join(app, 'web'), { recursive: true });
    fs.writeFileSync(path.join(app, 'web', 'Dockerfile'), 'FROM scratch\nCOPY index.html /\n');
    fs.writeFileSync(path.join(app, 'web', 'index.html'), 'committed\n');
    fs.writeFileSync(path.join(dir, '.gitignore'), '.env\nsecrets.env\n');
    fs.writeFileSync(path.join(app, 'docker-compose.yml'), [
      'services:',
      '  production-web:',
      '    build:',
      '      context: ./web',
      '    image: release-source-test/web:${WEB_TAG:?set WEB_TAG in .env}',
      '    env_file: [./secrets.env]',
      '  production-outside:',
      '    build: ../../outside',
      '    image: release-source-test/outside:1',
      '',
    ].join('\n'));
  });
  after(() => repo.remove());
  const projectDir = path.join(repo.dir, 'app dir');
  // the outside context exists (Compose v1 checks every service's build path on load), but in no repository
  fs.mkdirSync(path.resolve(projectDir, '../../outside'), { recursive: true });
  fs.writeFileSync(path.resolve(projectDir, '../../outside', 'Dockerfile'), 'FROM scratch\n');
  // untracked, as passwords are: in no commit, yet Compose must still read them
  fs.writeFileSync(path.join(projectDir, '.env'), 'WEB_TAG=from-dotenv\n');
  fs.writeFileSync(path.join(projectDir, 'secrets.env'), 'API_KEY=from-untracked-env-file\n');
  const commit = repo.git('rev-parse', 'HEAD').trim();
  const config = loadConfig(path.join(projectDir, 'docker-compose.yml'), { env: {} });
  const gitRepo = { dir: projectDir };

  it('refuses, before anything changes, a build context outside the repository', async () => {
    await assert.rejects(releaseContexts(gitRepo, config, ['production-web', 'production-outside']), (error: unknown) =>
      error instanceof DeployRefusedError && /build context of production-outside .* lies outside the git repository/.test(error.message));
  });

  it('builds from the commit, while the compose file, .env and env files stay the project folder\'s', async () => {
    const contexts = await releaseContexts(gitRepo, config, ['production-web']);
    assert.deepEqual(contexts, { 'production-web': 'app dir/web' });
    fs.writeFileSync(path.join(projectDir, 'web', 'index.html'), 'auto-saved\n');
    const source = await exportRelease(gitRepo, commit, contexts);
    try {
      assert.equal(fs.readFileSync(path.join(source.tree, 'app dir', 'web', 'index.html'), 'utf8'), 'committed\n');
      const lines: string[] = [];
      await composeStep(buildingFrom(composeTarget(config, await rigCompose()), source), ['config'], 'Rendering the config', { onLine: (line) => lines.push(line) });
      const text = lines.join('\n');
      assert.match(text, new RegExp(`context: '?${path.join(source.tree, 'app dir', 'web').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'?`));
      assert.match(text, /image: release-source-test\/web:from-dotenv/);
      assert.match(text, /API_KEY: from-untracked-env-file/);
    } finally {
      source.remove();
    }
    assert.equal(fs.existsSync(path.dirname(source.tree)), false, 'the export is gone');
  });
});
