// The tree's backup listings: read once until something says they changed, one read at a
// time, redrawn only when what they show changed, and kept when a read fails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BackupRecord } from '../../../src/core/database/manifest';
import { BackupListings } from '../../../src/extension/tree/backups/backupListings';

const backup = (id: string, verified = true): BackupRecord => ({ id, path: `volume v on ssh://prod:${id}`, sizeBytes: 10, complete: true, verified });

/** A place whose list() answers only when the test says, counting the calls. */
function fakePlace() {
  const pending: { resolve: (backups: BackupRecord[]) => void; reject: (error: Error) => void }[] = [];
  return {
    calls: () => pending.length,
    list: () => new Promise<BackupRecord[]>((resolve, reject) => { pending.push({ resolve, reject }); }),
    answer: (backups: BackupRecord[]) => pending[pending.length - 1].resolve(backups),
    fail: (message: string) => pending[pending.length - 1].reject(new Error(message)),
  };
}

function listings() {
  let changes = 0;
  const described: unknown[] = [];
  const subject = new BackupListings(() => { changes++; }, (error) => { described.push(error); return (error as Error).message; });
  return { subject, changes: () => changes, described };
}

type Listings = ReturnType<typeof listings>['subject'];
type Place = ReturnType<typeof fakePlace>;

/** Looks at listing 'k' (invalidated first, unless it is the first look), lets `respond` answer the read, and waits for it. */
function readOnce(subject: Listings, place: Place, respond: (place: Place) => void, { first = false } = {}) {
  if (!first) subject.invalidate();
  subject.current('k', place.list);
  respond(place);
  return subject.settled('k', place.list);
}

describe('backup listings of the tree', () => {
  it('read a place once, then answer from what was read until invalidated', async () => {
    const { subject, changes } = listings();
    const place = fakePlace();
    assert.deepEqual(subject.current('k', place.list), { backups: undefined, problem: undefined });
    const settled = subject.settled('k', place.list);
    assert.equal(place.calls(), 1, 'a second look during the read does not read again');
    place.answer([backup('20261125-120000')]);
    assert.deepEqual((await settled).backups?.map((b) => b.id), ['20261125-120000']);
    assert.equal(changes(), 1);
    subject.current('k', place.list);
    await subject.settled('k', place.list);
    assert.equal(place.calls(), 1, 'a redraw does not read a server again');
    subject.invalidate();
    subject.current('k', place.list);
    assert.equal(place.calls(), 2);
  });

  it('redraw only when what a listing shows changed', async () => {
    const { subject, changes } = listings();
    const place = fakePlace();
    await readOnce(subject, place, (p) => p.answer([backup('a')]), { first: true });
    await readOnce(subject, place, (p) => p.answer([backup('a')]));
    assert.equal(changes(), 1, 'the same backups read again draw nothing');
    await readOnce(subject, place, (p) => p.answer([backup('a', false)]));
    assert.equal(changes(), 2, 'a backup that lost its verification is drawn');
  });

  it('read once more after a read that a change overtook, never two at once', async () => {
    const { subject } = listings();
    const place = fakePlace();
    subject.current('k', place.list);
    subject.invalidate();
    subject.current('k', place.list);
    assert.equal(place.calls(), 1, 'no second read while one is under way');
    const settled = subject.settled('k', place.list);
    place.answer([backup('a')]);
    // the first read ended; the one the change asked for starts
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(place.calls(), 2);
    place.answer([backup('a'), backup('b')]);
    assert.deepEqual((await settled).backups?.map((b) => b.id), ['a', 'b'], 'settled waits for the read that saw the change');
  });

  it('keep the backups read before when a read fails, with the failure in one sentence', async () => {
    const { subject, changes, described } = listings();
    const place = fakePlace();
    await readOnce(subject, place, (p) => p.answer([backup('a')]), { first: true });
    const listing = await readOnce(subject, place, (p) => p.fail('ssh: connect to host prod port 22: Connection refused'));
    assert.deepEqual(listing.backups?.map((b) => b.id), ['a']);
    assert.equal(listing.problem, 'ssh: connect to host prod port 22: Connection refused');
    assert.equal(described.length, 1);
    assert.equal(changes(), 2);
    assert.equal((await readOnce(subject, place, (p) => p.answer([backup('a')]))).problem, undefined, 'the next good read clears the problem');
  });

  it('invalidate only the listings a predicate does not keep, and forget keys that are gone', async () => {
    const { subject } = listings();
    const one = fakePlace();
    const two = fakePlace();
    subject.current('one', one.list);
    subject.current('two', two.list);
    one.answer([]);
    two.answer([]);
    await Promise.all([subject.settled('one', one.list), subject.settled('two', two.list)]);
    subject.invalidate((key) => key === 'two');
    subject.current('one', one.list);
    subject.current('two', two.list);
    assert.deepEqual([one.calls(), two.calls()], [2, 1]);
    one.answer([]);
    await subject.settled('one', one.list);
    subject.retain(new Set(['one']));
    subject.current('two', two.list);
    assert.equal(two.calls(), 2, 'a forgotten key is read afresh');
  });
});
