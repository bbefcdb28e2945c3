// The git module against real repositories and a bare remote in temp folders.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import {
  changesSinceLastProduction, commitAll, createProductionTag, currentBranch, headCommit, lastProductionTag, productionTagName, pushWithTag, treeState,
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
});
