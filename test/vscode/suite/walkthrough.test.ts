import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { appendHistory, historyFile, newRecord } from '../../../src/core/operations/history';
import type { DualEnvApi } from '../../../src/extension/extension';
import { WALKTHROUGH_KEYS, type WalkthroughKey } from '../../../src/extension/walkthrough/walkthroughKeys';
import { dualEnv, until, project } from './api';

/** Waits until the walkthrough's keys hold `wanted`, re-checking each time they are computed again. */
async function keysBecome(api: DualEnvApi, wanted: Partial<Record<WalkthroughKey, boolean>>, timeoutMs = 30_000): Promise<void> {
  const holds = () => Object.entries(wanted).every(([key, value]) => api.walkthrough.values()[key as WalkthroughKey] === value);
  if (holds()) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { subscription.dispose(); reject(new Error(`the walkthrough keys are ${JSON.stringify(api.walkthrough.values())}, not ${JSON.stringify(wanted)}`)); }, timeoutMs);
    const subscription = api.walkthrough.onDidUpdate(() => {
      if (!holds()) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    });
  });
}

suite('getting-started walkthrough', () => {
  test('its keys turn true from the live status: passwords set, both environments started and healthy', async () => {
    const api = await dualEnv();
    await until(api, () => project(api).environments().every((e) => project(api).statusOf(e.name)?.health === 'healthy'), 'both environments to be healthy');
    await keysBecome(api, { [WALKTHROUGH_KEYS.passwordsSet]: true, [WALKTHROUGH_KEYS.bothStarted]: true, [WALKTHROUGH_KEYS.bothHealthy]: true });
  });

  test('its deploy step completes when a successful staging deploy reaches the history, whoever ran it', async function () {
    this.timeout(60_000);
    const api = await dualEnv();
    const dir = project(api).config?.projectDir;
    assert.ok(dir);
    const file = historyFile(dir);
    const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    try {
      if (project(api).lastDeployOf('staging') === undefined) await keysBecome(api, { [WALKTHROUGH_KEYS.stagingDeployed]: false });
      const now = new Date().toISOString();
      const record = { operation: 'deploy' as const, environment: 'staging', startedAt: now, finishedAt: now, durationMs: 1, commit: 'abc1234', branch: 'main' };
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // what `dual-env deploy staging` (or the command here) appends when it succeeds
      appendHistory(dir, newRecord({ ...record, outcome: 'succeeded' }));
      await keysBecome(api, { [WALKTHROUGH_KEYS.stagingDeployed]: true });
    } finally {
      if (before === undefined) fs.rmSync(file, { force: true });
      else fs.writeFileSync(file, before);
    }
  });
});
