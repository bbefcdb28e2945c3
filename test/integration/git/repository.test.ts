// The git module against real repositories and a bare remote in temp folders.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import {
  changesSinceLastProduction, commitAll, commitFiles, createProductionTag, currentBranch, exportCommit, headCommit, lastProductionTag, productionTagName, pushWithTag, treeState,
} from '../../../src/core/git';
import { makeTempRepo, type TempRepo } from '../../support/gitRepo';

describe('git repository', () => {
  let repo: TempRepo | undefined;
  afterEach(() => repo?.remove());

  it('reads the branch, HEAD and a clean or dirty tree', async () => {
    repo = makeTempRepo('stable/prisma-mysql-1');
    assert.equal(await currentBranch(repo), 'stable/prisma-mysql-1');
    assert.equal((await headCommit(repo)).hash, repo.git('rev-parse', 'HEAD').trim());
    assert.deepEqual(await treeState(repo), { clean: true, changed: [] });
    fs.writeFileSync(path.join(repo.dir, 'new.txt'), 'x');
    fs.appendFileSync(path.join(repo.dir, 'README.md'), 'more');
    const dirty = await treeState(repo);
    assert.equal(dirty.clean, false);
    assert.deepEqual(dirty.changed.sort(), ['README.md', 'new.txt']);
  });

  it('passes a branch name and a message full of shell metacharacters through literally', async () => {
    const branch = 'stable/prisma-mysql-$(touch${IFS}pwned);`id`&&x';
    const message = 'x"; rm -rf / #$(id) `touch pwned2` && echo $HOME';
    repo = makeTempRepo(branch);
    fs.writeFileSync(path.join(repo.dir, 'change.txt'), 'y');
    const commit = await commitAll(repo, message);
    assert.equal(repo.git('log', '-1', '--format=%B').trim(), message);
    assert.equal(commit.subject, message);
    const tag = productionTagName(new Date(Date.UTC(2026, 10, 25, 9, 5, 7)));
    assert.equal(tag, 'production-20261125-090507');
    await pushWithTag(repo, { branch, tag, message });
    assert.equal(repo.remoteGit('rev-parse', `refs/heads/${branch}`).trim(), commit.hash);
    assert.equal(repo.remoteGit('rev-parse', `refs/tags/${tag}^{commit}`).trim(), commit.hash);
    assert.equal(await currentBranch(repo), branch);
    for (const dir of [repo.dir, path.dirname(repo.dir), process.cwd()]) {
      assert.equal(fs.existsSync(path.join(dir, 'pwned')), false, `no file "pwned" in ${dir}`);
      assert.equal(fs.existsSync(path.join(dir, 'pwned2')), false, `no file "pwned2" in ${dir}`);
    }
  });

  it('lists the commits since the last production tag', async () => {
    repo = makeTempRepo('stable/prisma-mysql-2');
    assert.equal(await lastProductionTag(repo), undefined);
    assert.equal((await changesSinceLastProduction(repo)).commits.length, 1);
    await pushWithTag(repo, { branch: 'stable/prisma-mysql-2', tag: 'production-20260101-000000', message: 'first' });
    for (const name of ['a', 'b']) {
      fs.writeFileSync(path.join(repo.dir, name), name);
      await commitAll(repo, `add ${name}`);
    }
    const changes = await changesSinceLastProduction(repo);
    assert.equal(changes.since, 'production-20260101-000000');
    assert.deepEqual(changes.commits.map((c) => c.subject), ['add b', 'add a']);
    await pushWithTag(repo, { branch: 'stable/prisma-mysql-2', tag: 'production-20260102-000000', message: 'second' });
    assert.equal(await lastProductionTag(repo), 'production-20260102-000000');
    assert.deepEqual((await changesSinceLastProduction(repo)).commits, []);
    // the second deploy failed: counted from the first, which succeeded, both commits are still to go
    const fromSucceeded = await changesSinceLastProduction(repo, 50, 'production-20260101-000000');
    assert.equal(fromSucceeded.since, 'production-20260101-000000');
    assert.deepEqual(fromSucceeded.commits.map((c) => c.subject), ['add b', 'add a']);
    // a tag the history names but this clone lacks: the newest tag it has
    assert.equal((await changesSinceLastProduction(repo, 50, 'production-20250101-000000')).since, 'production-20260102-000000');
  });

  it('names a second production tag in the same second with a suffix that still sorts by time', async () => {
    repo = makeTempRepo('stable/prisma-mysql-3');
    const at = new Date(Date.UTC(2026, 10, 25, 9, 5, 7));
    assert.equal(await createProductionTag(repo, at, 'first try, push rejected'), 'production-20261125-090507');
    assert.equal(await createProductionTag(repo, at, 'retry'), 'production-20261125-090507-2');
    assert.equal(await createProductionTag(repo, at, 'again'), 'production-20261125-090507-3');
    assert.equal(await lastProductionTag(repo), 'production-20261125-090507-3');
  });

  it('says which remote it could not push to', async () => {
    repo = makeTempRepo('main');
    fs.rmSync(repo.remote, { recursive: true });
    await assert.rejects(pushWithTag(repo, { branch: 'main', tag: 'production-20260101-000000', message: 'm' }), /could not push main and production-20260101-000000 to origin/);
  });

  it('commits exactly the listed files; a file changed, added or staged later stays out and stays as it is', async () => {
    repo = makeTempRepo('main', (dir) => {
      fs.writeFileSync(path.join(dir, 'README.md'), 'temp\n');
      fs.writeFileSync(path.join(dir, 'gone.txt'), 'to delete\n');
      fs.writeFileSync(path.join(dir, 'other.txt'), 'other\n');
    });
    fs.writeFileSync(path.join(repo.dir, '*.txt'), 'a file with a glob for a name\n');
    fs.appendFileSync(path.join(repo.dir, 'README.md'), 'listed change\n');
    fs.rmSync(path.join(repo.dir, 'gone.txt'));
    const listed = (await treeState(repo)).changed.sort();
    assert.deepEqual(listed, ['*.txt', 'README.md', 'gone.txt']);
    // after the plan was confirmed: an auto-save, a new file, a change staged by hand
    fs.writeFileSync(path.join(repo.dir, 'late.txt'), 'late\n');
    fs.writeFileSync(path.join(repo.dir, 'staged-late.txt'), 'staged late\n');
    repo.git('add', 'staged-late.txt');
    fs.appendFileSync(path.join(repo.dir, 'other.txt'), 'auto-saved\n');
    const commit = await commitFiles(repo, listed, 'the listed changes');
    assert.equal(commit.subject, 'the listed changes');
    assert.deepEqual(repo.git('show', '--name-status', '--format=', 'HEAD').trim().split('\n').sort(), ['A\t*.txt', 'D\tgone.txt', 'M\tREADME.md']);
    assert.deepEqual(repo.git('status', '--porcelain').split('\n').filter(Boolean).sort(), [' M other.txt', '?? late.txt', 'A  staged-late.txt']);
  });

  it('exports a commit exactly, whatever the working tree holds, leaving the tree, index and worktree list alone', async () => {
    repo = makeTempRepo('main', (dir) => {
      fs.mkdirSync(path.join(dir, 'app'));
      fs.writeFileSync(path.join(dir, 'app', 'index.html'), 'committed\n');
      fs.writeFileSync(path.join(dir, 'app', 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
      fs.writeFileSync(path.join(dir, '.gitattributes'), 'app/index.html export-ignore\n');
    });
    const commit = repo.git('rev-parse', 'HEAD').trim();
    fs.writeFileSync(path.join(repo.dir, 'app', 'index.html'), 'auto-saved\n');
    fs.writeFileSync(path.join(repo.dir, 'app', 'untracked.txt'), 'untracked\n');
    repo.git('add', 'app/untracked.txt');
    const status = repo.git('status', '--porcelain');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-export-test-'));
    try {
      // from a subfolder of the repository, as a compose project below the root would be
      await exportCommit({ dir: path.join(repo.dir, 'app') }, commit, path.join(out, 'tree'));
      assert.equal(fs.readFileSync(path.join(out, 'tree', 'app', 'index.html'), 'utf8'), 'committed\n');
      assert.equal(fs.existsSync(path.join(out, 'tree', 'app', 'untracked.txt')), false);
      assert.equal(fs.statSync(path.join(out, 'tree', 'app', 'run.sh')).mode & 0o111, 0o111);
      assert.equal(repo.git('status', '--porcelain'), status);
      assert.equal(repo.git('worktree', 'list', '--porcelain').match(/^worktree /gm)?.length, 1);
      await assert.rejects(exportCommit(repo, '0123456789012345678901234567890123456789', path.join(out, 'none')), /git could not read commit 0123456/);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
