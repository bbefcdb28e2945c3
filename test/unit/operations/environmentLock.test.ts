import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommandFailedError } from '../../../src/core/common/errors';
import { remediesOf } from '../../../src/core/common/remedies';
import type { Environment } from '../../../src/core/config';
import { isRemoteEngine } from '../../../src/core/docker/dockerHost';
import { holderFromLabels, holderLabels, holdingLock, sayLockStays, serverLockedMessage, type HeldLock } from '../../../src/core/operations/environmentLock';
import { ProductionChangedError } from '../../../src/core/operations/operationContext';
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

describe('a failed operation whose lock stays', () => {
  const production = { name: 'production', label: 'Production', dockerHost: 'ssh://deploy@prod' } as Environment;
  const local = { name: 'staging', label: 'Staging', dockerHost: 'unix:///var/run/docker.sock' } as Environment;
  const lockThatStays = (): HeldLock => ({ holder, release: () => Promise.reject(new Error('Nothing accepts SSH connections at prod.')) });

  it('goes on from the failure to what runs, the lock on the server, where the history stopped and the way out', () => {
    const error = sayLockStays(new CommandFailedError('Building production-backend failed: Compose lost its connection.', 255, ''), production, { noun: 'deploy', untouched: true, stoppedAt: 'build' });
    assert.equal(error.message, "Building production-backend failed: Compose lost its connection; Production still runs what it ran (nothing was replaced), but this deploy's lock stays on ssh://deploy@prod and its history line says it stopped at step build: once the server answers, check Production and remove the lock.");
    assert.deepEqual(remediesOf(error), [{ kind: 'unlock', environment: 'production' }]);
  });

  it('keeps the error\'s class and remedies, claims nothing it does not know, and names the checkout for a local lock', () => {
    const changed = new ProductionChangedError('Rollback to b1 failed at step recreate: gone. What production held is in safety backup s1.', 's1', { remedies: [{ kind: 'rollback', environment: 'production', backupId: 's1' }] });
    const amended = sayLockStays(changed, production, { noun: 'rollback', stoppedAt: 'recreate' });
    assert.equal(amended, changed);
    assert.match(amended.message, /in safety backup s1; this rollback's lock stays on ssh:\/\/deploy@prod and its history line says it stopped at step recreate: once the server answers, check Production and remove the lock\.$/);
    assert.deepEqual(remediesOf(amended).map((r) => r.kind), ['rollback', 'unlock']);
    assert.equal(sayLockStays(new Error('disk full'), local, { noun: 'stop' }).message, "disk full; this stop's lock stays in this checkout: check Staging and remove the lock.");
  });

  it('is said only when the operation failed and its lock could not be removed', async () => {
    const failure = () => Promise.reject(new CommandFailedError('Compose failed.', 1, ''));
    const stays = await holdingLock(lockThatStays(), production, () => undefined, failure, () => ({ noun: 'start' })).catch((e: unknown) => e as Error);
    assert.equal(stays.message, "Compose failed; this start's lock stays on ssh://deploy@prod: once the server answers, check Production and remove the lock.");
    const released: HeldLock = { holder, release: () => Promise.resolve() };
    assert.equal((await holdingLock(released, production, () => undefined, failure, () => ({ noun: 'start' })).catch((e: unknown) => e as Error)).message, 'Compose failed.');
    // a finished operation stands: the lock that stayed is logged
    const logged: string[] = [];
    assert.equal(await holdingLock(lockThatStays(), production, (line) => logged.push(line), async () => 'done', () => ({ noun: 'start' })), 'done');
    assert.match(logged[0], /^The lock of production could not be removed \(Nothing accepts SSH connections at prod\.\); /);
  });
});
