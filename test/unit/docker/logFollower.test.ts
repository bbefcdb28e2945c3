// The log follower through dockerode's real HTTP client, against a fake Engine API.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { followLogs, type LogLine } from '../../../src/core/docker/logFollower';
import { logFrame, startFakeDockerApi, type FakeDockerApi } from '../../support/fakeDockerApi';

const T1 = '2026-11-25T14:49:30.000000001Z';
const T2 = '2026-11-25T14:49:30.000000002Z';
const T3 = '2026-11-25T14:49:30.000000003Z';
const shown = (line: LogLine) => `${line.stream}:${line.text}`;

describe('followLogs', () => {
  let api: FakeDockerApi | undefined;
  afterEach(async () => { await api?.close(); api = undefined; });

  it('keeps a stdout and a stderr line that share a timestamp', async () => {
    api = await startFakeDockerApi('wms', 'staging-backend', (_query, response) => {
      response.end(Buffer.concat([logFrame('stdout', T1, 'starting'), logFrame('stdout', T2, 'listening'), logFrame('stderr', T2, 'deprecated option')]));
    });
    const lines: LogLine[] = [];
    for await (const line of followLogs({ docker: api.docker, projectName: 'wms', services: ['staging-backend'], follow: false }) as AsyncIterable<LogLine>) lines.push(line);
    assert.deepEqual(lines.map(shown), ['stdout:starting', 'stdout:listening', 'stderr:deprecated option']);
  });

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

  it('re-attaches without repeating a line and without dropping new ones at the same time', { timeout: 10_000 }, async () => {
    const stop = new AbortController();
    const sinces: (string | null)[] = [];
    api = await startFakeDockerApi('wms', 'staging-backend', (query, response, request) => {
      sinces.push(query.get('since'));
      if (request === 1) {
        // the stream breaks after three lines, two of them at T2
        response.end(Buffer.concat([logFrame('stdout', T1, 'a'), logFrame('stdout', T2, 'b'), logFrame('stderr', T2, 'c')]));
        return;
      }
      // `since` includes T2: b and c come again, d is new at the same time
      response.write(Buffer.concat([logFrame('stdout', T2, 'b'), logFrame('stderr', T2, 'c'), logFrame('stderr', T2, 'd'), logFrame('stdout', T3, 'e')]));
    });
    const lines: string[] = [];
    for await (const line of followLogs({ docker: api.docker, projectName: 'wms', services: ['staging-backend'], follow: true, signal: stop.signal }) as AsyncIterable<LogLine>) {
      lines.push(line.stream === 'marker' ? 'marker' : shown(line));
      if (line.text === 'e') stop.abort();
    }
    assert.deepEqual(lines, ['stdout:a', 'stdout:b', 'stderr:c', 'marker', 'stderr:d', 'stdout:e']);
    assert.deepEqual(sinces, [null, '1795618170.000000002']);
  });
});
