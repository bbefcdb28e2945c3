import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BackupPlace } from '../../../src/core/database/backupPlace';
import { deferredPlace } from '../../../src/core/database/deferredPlace';
import type { BackupRecord } from '../../../src/core/database/manifest';

const record = (id: string) => ({ id }) as BackupRecord;
const resolvedPlace = (where: string, pull = true): BackupPlace => ({
  where,
  list: async () => [record('20261206-120000')],
  find: async (id: string) => record(id),
  ...(pull ? { pull: async (id: string) => record(`${id} pulled`) } : {}),
}) as unknown as BackupPlace;

describe('a deferred backup place', () => {
  it('names itself before it is resolved, resolves once, and forwards each call to the place it resolved to', async () => {
    let resolved = 0;
    const place = deferredPlace('volume v on the node running shop_db', async () => { resolved++; return resolvedPlace('volume v on node-2'); });
    assert.equal(place.where, 'volume v on the node running shop_db');
    assert.equal(resolved, 0);
    assert.deepEqual((await place.list()).map((r) => r.id), ['20261206-120000']);
    assert.equal((await place.find('20261206-130000')).id, '20261206-130000');
    assert.equal((await place.pull!('x', '/tmp', new AbortController().signal)).id, 'x pulled');
    assert.equal(resolved, 1);
  });

  it('asks again after a failed resolution: the node may answer by then', async () => {
    let attempts = 0;
    const place = deferredPlace('somewhere', async () => {
      if (++attempts === 1) throw new Error('the node does not answer');
      return resolvedPlace('node-2');
    });
    await assert.rejects(place.list(), /the node does not answer/);
    assert.equal((await place.list()).length, 1);
    assert.equal(attempts, 2);
  });

  it('refuses to pull from a place that is on this machine already', async () => {
    const place = deferredPlace('somewhere', async () => resolvedPlace('/backups', false));
    await assert.rejects(place.pull!('x', '/tmp', new AbortController().signal), /^Error: The backups in \/backups are on this machine already\.$/);
  });
});
