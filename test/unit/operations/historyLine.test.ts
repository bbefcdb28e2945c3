import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterEach, describe, it } from 'node:test';
import { progressReporter, type ProgressEvent } from '../../../src/core/common/progress';
import type { DualEnvConfig, Environment } from '../../../src/core/config';
import { historyFile, readHistory, type HistoryRecord } from '../../../src/core/operations/history';
import { historyLine, type HistoryLineOptions } from '../../../src/core/operations/historyLine';

// the environment's engine is this machine's socket, so its history is the checkout's file
const staging = { name: 'staging', label: 'Staging', services: ['staging-backend'], dockerHost: 'unix:///var/run/docker.sock' } as Environment;
const startedAt = new Date('2026-12-06T08:00:00.000Z');

describe('the history line of an operation as it runs', () => {
  let dir = '';
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const lineIn = (projectDir: string, options: Partial<HistoryLineOptions> = {}, onProgress?: (event: ProgressEvent) => void) => historyLine(
    { config: { projectDir } as DualEnvConfig, docker: {} as Docker, now: () => new Date(startedAt.getTime() + 5000) },
    staging, { operation: 'deploy', noun: 'staging deploy', startedAt, ...options }, progressReporter(onProgress),
  );
  const linesWritten = (projectDir: string) => fs.readFileSync(historyFile(projectDir), 'utf8').trim().split('\n').map((text) => JSON.parse(text) as HistoryRecord);

  it('writes `unfinished` ahead of each step and its outcome over them, one id, with the facts known at each write', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-line-'));
    const facts = { images: {} as Record<string, string> };
    const line = lineIn(dir, { facts: () => ({ commit: 'c0ffee', branch: 'main', images: facts.images }) });
    await line.mark('build');
    facts.images = { 'staging-backend': 'sha256:1' };
    await line.mark('recreate', { tag: 'v1', commit: undefined });
    assert.equal(line.stoppedAt, 'recreate');
    assert.equal(await line.record('failed', {}, 'Compose failed.'), true);

    const written = linesWritten(dir);
    assert.deepEqual(written.map((r) => `${r.outcome} ${r.step}`), ['unfinished build', 'unfinished recreate', 'failed recreate']);
    assert.equal(new Set(written.map((r) => r.id)).size, 1, 'one id for the operation');
    assert.deepEqual(written[0].images, {});
    // a write's own fact wins, and an unknown one (undefined) does not hide the one every write carries
    assert.equal(written[1].tag, 'v1');
    assert.equal(written[1].commit, 'c0ffee');
    assert.deepEqual(written[1].images, { 'staging-backend': 'sha256:1' });
    assert.equal(written[2].error, 'Compose failed.');
    assert.equal(written[2].durationMs, 5000);
    assert.deepEqual(readHistory(dir, 'staging').map((r) => `${r.outcome} ${r.step}`), ['failed recreate'], 'the outcome replaces the unfinished lines');
  });

  it('records the outcome at the step the operation says it is in, when it says one', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-line-'));
    let step = '';
    const line = lineIn(dir, { operation: 'rollback', noun: 'rollback', currentStep: () => step || undefined });
    await line.mark('load');
    await line.record('cancelled');
    step = 'restore';
    await line.record('failed', {}, 'gone', undefined);
    assert.deepEqual(linesWritten(dir).map((r) => `${r.operation} ${r.outcome} ${r.step}`), ['rollback unfinished load', 'rollback cancelled undefined', 'rollback failed restore']);
  });

  it('says a line it cannot write, throws nothing, and keeps naming the last step it did write', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-line-'));
    // a project folder under a file: no history can be written there
    fs.writeFileSync(path.join(dir, 'file'), '');
    const lines: string[] = [];
    const line = lineIn(path.join(dir, 'file', 'project'), {}, (event) => { if (event.step === 'history' && event.logLine) lines.push(event.logLine); });
    await line.mark('build');
    assert.equal(line.step, 'build');
    assert.equal(line.stoppedAt, undefined, 'no line says where it stopped');
    assert.equal(await line.record('failed', {}, 'x'), false);
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^The history line of this staging deploy \(unfinished at build\) could not be written: /);
    assert.match(lines[1], /^The history line of this staging deploy \(failed\) could not be written: /);
  });
});
