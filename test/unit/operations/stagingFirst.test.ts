import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type Docker from 'dockerode';
import type { DualEnvConfig, Environment } from '../../../src/core/config';
import { stagingFirstProblem } from '../../../src/core/operations/deployPreflight';
import { appendHistory, newRecord } from '../../../src/core/operations/history';
import { fakeEngineRunning } from '../../support/fakeEngine';

const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-staging-first-'));
after(() => fs.rmSync(projectDir, { recursive: true, force: true }));

// staging on this machine (its history in the project's file) but on an engine of its own, production on a server
const staging = { name: 'staging', label: 'Staging', isProduction: false, services: ['staging-backend'], dockerHost: 'unix:///run/staging-engine.sock' } as Environment;
const production = { name: 'production', label: 'Production', isProduction: true, services: ['production-backend'], dockerHost: 'ssh://production-host' } as Environment;
const config = { projectDir, projectName: 'wms', variables: {}, environments: [staging, production] } as unknown as DualEnvConfig;
const commit = { hash: 'a'.repeat(40), shortHash: 'aaaaaaa', subject: 'fix', author: 'Ada', date: '2026-01-01T00:00:00Z' };

// each engine knows only its own environment's containers, as with a dockerHost per environment
const engines = new Map<string, Docker>([
  ['staging', fakeEngineRunning('wms', staging.services)],
  ['production', fakeEngineRunning('wms', production.services)],
]);
const dockerFor = (environment: Environment) => engines.get(environment.name)!;

describe('requireStagingFirst', () => {
  appendHistory(projectDir, newRecord({
    operation: 'deploy', environment: 'staging', outcome: 'succeeded', commit: commit.hash,
    startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z', durationMs: 60_000,
  }));

  it('reads staging health through staging\'s own engine, not production\'s', async () => {
    assert.equal(await stagingFirstProblem(dockerFor, config, commit, true), undefined);
  });

  it('still says so when staging is not healthy on its engine', async () => {
    const emptyStaging = (environment: Environment) => environment.name === 'staging' ? fakeEngineRunning('wms', []) : dockerFor(environment);
    assert.match(await stagingFirstProblem(emptyStaging, config, commit, true) ?? '', /^Staging is not healthy \(staging-backend: no container/);
  });
});
