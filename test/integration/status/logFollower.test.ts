// The log follower against the rig: a slow consumer gets every line, in order, while
// the Docker stream behind it is paused instead of piling lines up in memory.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { followLogs, type LogLine } from '../../../src/core/docker/logFollower';
import { projectName, startRig, type Rig } from '../../rig';
import { printInContainer } from './helpers';

const LINES = 4000;

describe('followLogs', { timeout: 300_000 }, () => {
  let rig: Rig;
  const stop = new AbortController();
  before(async () => { rig = await startRig(['staging']); });
  after(() => stop.abort());

  it('delivers every line in order to a slow consumer and buffers only a bounded amount', async () => {
    const tag = `bp${process.pid}`;
    const padding = 'x'.repeat(180);
    const lines = followLogs({
      docker: rig.docker, projectName, services: ['staging-backend'], follow: true,
      since: Math.floor(Date.now() / 1000) - 1, signal: stop.signal, highWaterMark: 16,
    });
    const printed = printInContainer(rig.docker, 'staging-backend', `i=0; while [ $i -lt ${LINES} ]; do echo "${tag}-$i-${padding}"; i=$((i+1)); done`);
    const received: number[] = [];
    let mostBuffered = 0;
    for await (const line of lines as AsyncIterable<LogLine>) {
      const match = new RegExp(`^${tag}-(\\d+)-x+$`).exec(line.text);
      if (!match) continue;
      received.push(Number(match[1]));
      mostBuffered = Math.max(mostBuffered, lines.readableLength);
      if (received.length % 50 === 0) await delay(20); // a consumer slower than the producer
      if (received.length === LINES) break;
    }
    await printed;
    assert.deepEqual(received, Array.from({ length: LINES }, (_, i) => i));
    // without back-pressure the whole ~750 kB would be waiting here; with it, one socket chunk at most
    assert.ok(mostBuffered < LINES / 4, `at most ${mostBuffered} lines were buffered`);
  });
});
