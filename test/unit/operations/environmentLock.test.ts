import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRemoteEngine } from '../../../src/core/docker/dockerHost';
import { holderFromLabels, holderLabels, serverLockedMessage } from '../../../src/core/operations/environmentLock';
import type { LockHolder } from '../../../src/core/operations/lock';

const holder: LockHolder = { user: 'alice', hostname: 'laptop-a', pid: 4242, operation: 'deploy of stable/x', startedAt: '2026-12-01T10:00:00.000Z', token: 't-1' };

describe('the lock of an environment on a server', () => {
  it('keeps its holder in the lock container\'s labels and reads it back', () => {
    const labels = holderLabels(holder);
    assert.equal(labels['dual-env.lock.pid'], '4242');
    assert.deepEqual(holderFromLabels({ ...labels, 'some.image.label': 'x' }), holder);
  });

  it('reads no holder from labels without a token or a pid (not Dual Env\'s, or damaged)', () => {
    const { 'dual-env.lock.token': _token, ...noToken } = holderLabels(holder);
    assert.equal(holderFromLabels(noToken), undefined);
    assert.equal(holderFromLabels({ ...holderLabels(holder), 'dual-env.lock.pid': 'many' }), undefined);
  });

  it('names the holder, since when, where the lock is and the way out', () => {
    assert.equal(serverLockedMessage('production', 'ssh://deploy@prod', holder),
      'production is busy: deploy of stable/x by alice on laptop-a (pid 4242, since 2026-12-01T10:00:00.000Z); try again when it has finished. Its lock is on ssh://deploy@prod, where Dual Env cannot tell whether that process still runs; if it is gone, remove the lock.');
    assert.match(serverLockedMessage('production', 'ssh://prod', undefined), /^production is busy: an operation that left no readable holder; /);
  });

  it('counts every engine but this machine\'s socket as remote, DOCKER_HOST included', () => {
    assert.equal(isRemoteEngine({ dockerHost: 'ssh://deploy@prod' }, {}), true);
    assert.equal(isRemoteEngine({ dockerHost: 'tcp://10.0.0.5:2376' }, {}), true);
    assert.equal(isRemoteEngine({}, { DOCKER_HOST: 'ssh://prod' }), true);
    assert.equal(isRemoteEngine({}, {}), false);
    assert.equal(isRemoteEngine({ dockerHost: 'unix:///run/user/1000/docker.sock' }, {}), false);
    assert.equal(isRemoteEngine({ dockerHost: 'unix:///var/run/docker.sock' }, { DOCKER_HOST: 'ssh://prod' }), false);
  });
});
