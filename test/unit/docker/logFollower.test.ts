// The log follower through dockerode's real HTTP client, against a fake Engine API.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { followLogs, type LogLine } from '../../../src/core/docker/logFollower';
import { logFrame, startFakeDockerApi, type FakeDockerApi } from '../../support/fakeDockerApi';

const T1 = '2026-11-25T14:49:30.000000001Z';
const T2 = '2026-11-25T14:49:30.000000002Z';

describe('followLogs', () => {
  let api: FakeDockerApi | undefined;
  afterEach(async () => { await api?.close(); api = undefined; });

  it('streams a log without -f instead of waiting for all of it', { timeout: 10_000 }, async () => {
    let firstLineShown!: () => void;
    const shownFirst = new Promise<void>((resolve) => { firstLineShown = resolve; });
    api = await startFakeDockerApi('wms', 'staging-backend', (query, response) => {
      assert.equal(query.get('follow'), 'false');
      assert.equal(query.get('tail'), '200');
      response.write(logFrame('stdout', T1, 'first'));
      // the rest of the history comes only once the first line was shown: a follower that buffers never gets it
      void shownFirst.then(() => response.end(logFrame('stdout', T2, 'second')));
    });
    const lines: string[] = [];
    for await (const line of followLogs({ docker: api.docker, projectName: 'wms', services: ['staging-backend'], follow: false, tail: 200 }) as AsyncIterable<LogLine>) {
      lines.push(line.text);
      firstLineShown();
    }
    assert.deepEqual(lines, ['first', 'second']);
  });
});
