// Backup folders against real git repositories: a dump must never be staged,
// committed or pushed, and must never make a deploy see "uncommitted changes".
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { checklistOf, loadConfig } from '../../../src/core/config';
import { createBackup } from '../../../src/core/database';
import { commitAll, treeState } from '../../../src/core/git';
import { preflightProduction } from '../../../src/core/operations/deployPreflight';
import { projectRepository } from '../../../src/core/operations/projectRepository';
import { repoRoot } from '../../rig/paths';
import { makeTempRepo, type TempRepo } from '../../support/gitRepo';

/** What a finished backup leaves in its folder, without a database to dump. */
function writeFakeBackup(folder: string, id = '20260101-000000'): void {
  fs.mkdirSync(path.join(folder, id), { recursive: true });
  fs.writeFileSync(path.join(folder, id, 'dump.sql.gz'), 'not really gzip');
  fs.writeFileSync(path.join(folder, id, 'manifest.json'), '{}\n');
}

const staged = (repo: TempRepo) => repo.git('diff', '--cached', '--name-only').split('\n').filter(Boolean);
const committed = (repo: TempRepo) => repo.git('show', '--name-only', '--format=', 'HEAD').split('\n').filter(Boolean);
// no database listens on port 1: the backup fails right after the store has made its folder
const unreachable = { host: '127.0.0.1', port: 1, database: 'warehouse_wms', user: 'wms_user', password: 'unused' };

describe('backup folders and git', () => {
  let repo: TempRepo | undefined;
  afterEach(() => repo?.remove());

  it('the store makes its folder one that git add --all never stages', async () => {
    repo = makeTempRepo('main');
    const folder = path.join(repo.dir, 'backups', 'staging');
    await assert.rejects(createBackup({ credentials: unreachable, folder }, { environment: 'staging' }, new AbortController().signal));
    writeFakeBackup(folder);
    repo.git('add', '--all');
    assert.deepEqual(staged(repo), []);
  });

  it('the message commit leaves out backups a project already shows as untracked', async () => {
    repo = makeTempRepo('main');
    const folder = path.join(repo.dir, 'backups', 'production');
    writeFakeBackup(folder);
    fs.writeFileSync(path.join(repo.dir, 'change.txt'), 'x');
    const target = { dir: repo.dir, neverCommit: [folder] };
    assert.deepEqual((await treeState(target)).changed, ['change.txt']);
    await commitAll(target, 'the change only');
    assert.deepEqual(committed(repo), ['change.txt']);
    assert.deepEqual(await treeState(target), { clean: true, changed: [] });
  });

  it('the message commit works in a project whose .gitignore already covers its backups', async () => {
    repo = makeTempRepo('main');
    fs.writeFileSync(path.join(repo.dir, '.gitignore'), 'backups/\n');
    repo.git('add', '.gitignore');
    repo.git('commit', '--quiet', '-m', 'ignore backups');
    const folder = path.join(repo.dir, 'backups', 'production');
    writeFakeBackup(folder);
    fs.writeFileSync(path.join(repo.dir, 'change.txt'), 'x');
    const target = { dir: repo.dir, neverCommit: [folder] };
    await commitAll(target, 'the change only');
    assert.deepEqual(committed(repo), ['change.txt']);
    assert.deepEqual(await treeState(target), { clean: true, changed: [] });
  });

  it('the message commit leaves out backups an older setup tracks, even staged by hand', async () => {
    repo = makeTempRepo('main');
    const folder = path.join(repo.dir, 'backups', 'production');
    writeFakeBackup(folder, '20260101-000000');
    repo.git('add', '--all');
    repo.git('commit', '--quiet', '-m', 'backups committed by an older version');
    // retention deletes the old backup, a new one appears and is staged by hand
    fs.rmSync(path.join(folder, '20260101-000000'), { recursive: true });
    writeFakeBackup(folder, '20260102-000000');
    repo.git('add', path.join('backups', 'production', '20260102-000000'));
    fs.writeFileSync(path.join(repo.dir, 'change.txt'), 'x');
    const target = { dir: repo.dir, neverCommit: [folder] };
    assert.deepEqual((await treeState(target)).changed, ['change.txt']);
    await commitAll(target, 'the change only');
    assert.deepEqual(committed(repo), ['change.txt']);
  });

  it('takes a backup folder\'s name literally, not as a glob that could exclude real changes', async () => {
    repo = makeTempRepo('main');
    const folder = path.join(repo.dir, 'backups*');
    writeFakeBackup(folder);
    fs.writeFileSync(path.join(repo.dir, 'backups-howto.md'), 'x');
    await commitAll({ dir: repo.dir, neverCommit: [folder] }, 'the change only');
    assert.deepEqual(committed(repo), ['backups-howto.md']);
  });

  it('a production preflight neither refuses for backups nor plans to commit them', async () => {
    repo = makeTempRepo('stable/prisma-mysql-1', (dir) => fs.copyFileSync(path.join(repoRoot, 'docker-compose-dual-env.yml'), path.join(dir, 'docker-compose-dual-env.yml')));
    const config = loadConfig(path.join(repo.dir, 'docker-compose-dual-env.yml'), { env: { STAGING_DB_PASSWORD: 's', PRODUCTION_DB_PASSWORD: 'p' } });
    const [staging, production] = config.environments;
    for (const environment of config.environments) writeFakeBackup(environment.backups.folder);
    // staging is local with no deploy on record: its history is the checkout's file and its engine is never asked
    const docker = (() => undefined) as never;
    // no staging runs here to answer smoke requests (they are tested on the rig, test/integration/operations/checklist.test.ts)
    production.checklist = { ...checklistOf(production), smoke: [] };
    const signal = new AbortController().signal;
    const clean = await preflightProduction(docker, config, production, { stagingFirst: 'ask' }, signal);
    assert.equal(clean.toCommit, undefined);
    fs.writeFileSync(path.join(repo.dir, 'change.txt'), 'x');
    const dirty = await preflightProduction(docker, config, production, { stagingFirst: 'ask', message: 'change' }, signal);
    assert.deepEqual(dirty.toCommit?.files, ['change.txt']);
    assert.deepEqual(projectRepository(config).neverCommit, [staging.backups.folder, production.backups.folder]);
  });
});
