import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { branchMatches } from '../../../src/core/git/branchPolicy';

describe('branch policy', () => {
  it('matches the reference production pattern and nothing else', () => {
    assert.equal(branchMatches('stable/prisma-mysql-*', 'stable/prisma-mysql-2026-11'), true);
    assert.equal(branchMatches('stable/prisma-mysql-*', 'stable/prisma-mysql-'), true);
    assert.equal(branchMatches('stable/prisma-mysql-*', 'main'), false);
    assert.equal(branchMatches('stable/prisma-mysql-*', 'feature/stable/prisma-mysql-1'), false);
    assert.equal(branchMatches('stable/prisma-mysql-*', 'stable/prisma-mysql'), false);
  });

  it('lets `*` cover any branch, slashes included', () => {
    for (const branch of ['main', 'feature/a/b', 'x"; rm -rf /']) assert.equal(branchMatches('*', branch), true);
  });

  it('treats regular-expression characters in the pattern literally', () => {
    assert.equal(branchMatches('release.1', 'release.1'), true);
    assert.equal(branchMatches('release.1', 'releaseX1'), false);
    assert.equal(branchMatches('v(1)+', 'v(1)+'), true);
    assert.equal(branchMatches('v(1)+', 'v11'), false);
    assert.equal(branchMatches('hotfix-?', 'hotfix-a'), true);
    assert.equal(branchMatches('hotfix-?', 'hotfix-ab'), false);
  });
});
