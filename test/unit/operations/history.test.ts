import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { historyRow } from '../../../src/core/operations/historyRows';
import { appendHistory, historyFile, lastSuccessfulDeploy, lastSuccessfulIn, liveCommitIn, newRecord, parseHistory, readHistory } from '../../../src/core/operations/history';

describe('deploy history', () => {
  let dir = '';
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const record = (environment: string, outcome: 'succeeded' | 'failed', commit: string) => newRecord({
    operation: 'deploy', environment, outcome, commit, startedAt: '2026-11-25T10:00:00.000Z', finishedAt: '2026-11-25T10:01:00.000Z', durationMs: 60_000,
  });

  it('appends records and reads them back per environment, oldest first', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-history-'));
    appendHistory(dir, record('staging', 'succeeded', 'a1'));
    appendHistory(dir, record('production', 'failed', 'a1'));
    appendHistory(dir, record('staging', 'succeeded', 'b2'));
    appendHistory(dir, record('staging', 'failed', 'c3'));
    assert.deepEqual(readHistory(dir, 'staging').map((r) => r.commit), ['a1', 'b2', 'c3']);
    assert.deepEqual(readHistory(dir).map((r) => r.environment), ['staging', 'production', 'staging', 'staging']);
    assert.equal(lastSuccessfulDeploy(dir, 'staging')?.commit, 'b2');
    assert.equal(lastSuccessfulDeploy(dir, 'production'), undefined);
    const first = readHistory(dir)[0];
    assert.equal(first.user, os.userInfo().username);
    assert.equal(first.hostname, os.hostname());
  });

  it('skips a line cut short by a crash and keeps the rest', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-history-'));
    appendHistory(dir, record('production', 'succeeded', 'a1'));
    fs.appendFileSync(historyFile(dir), '{"id":"broken","operat');
    fs.appendFileSync(historyFile(dir), '\n');
    appendHistory(dir, record('production', 'succeeded', 'b2'));
    assert.deepEqual(readHistory(dir, 'production').map((r) => r.commit), ['a1', 'b2']);
  });

  it('reads an empty history when nothing was deployed yet', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-history-'));
    assert.deepEqual(readHistory(dir), []);
  });

  it('parses history lines kept on a server as the file\'s: per environment, skipping a line cut short', () => {
    const lines = [record('production', 'succeeded', 'a1'), record('staging', 'succeeded', 's1'), record('production', 'failed', 'b2')].map((r) => JSON.stringify(r));
    const text = `${lines[0]}\n${lines[1]}\n{"id":"cut\n${lines[2]}\n`;
    const production = parseHistory(text, 'production');
    assert.deepEqual(production.map((r) => r.commit), ['a1', 'b2']);
    assert.equal(lastSuccessfulIn(production)?.commit, 'a1');
    assert.equal(liveCommitIn(production), 'a1');
    assert.deepEqual(parseHistory(''), []);
  });

  it('keeps a deploy\'s last line: its outcome replaces the unfinished lines written ahead of its steps, in its place', () => {
    const deploy = record('production', 'succeeded', 'd4');
    const unfinished = (step: string) => JSON.stringify({ ...deploy, outcome: 'unfinished', step });
    const earlier = record('production', 'succeeded', 'a1');
    const later = record('production', 'failed', 'e5');
    const text = [unfinished('backup'), JSON.stringify(earlier), unfinished('build'), unfinished('recreate'), JSON.stringify(deploy), JSON.stringify(later)].join('\n');
    assert.deepEqual(parseHistory(text).map((r) => `${r.commit} ${r.outcome}`), ['a1 succeeded', 'd4 succeeded', 'e5 failed']);
    // the server stopped answering during recreate: that line is the deploy's last word
    const stopped = parseHistory([unfinished('backup'), unfinished('build'), unfinished('recreate')].join('\n'));
    assert.deepEqual(stopped.map((r) => `${r.outcome} ${r.step}`), ['unfinished recreate']);
    assert.equal(historyRow(stopped[0]).error, 'no outcome recorded yet; last step entered: recreate');
    assert.equal(liveCommitIn(stopped), undefined, 'an unfinished deploy is not what runs');
  });
});
