import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type Docker from 'dockerode';
import { CancelledError } from '../../../src/core/common/errors';
import type { DualEnvConfig } from '../../../src/core/config';
import { HealthGateError, waitForHealth } from '../../../src/core/operations/waitForHealth';

// an engine where the service has no container yet: the wait stays pending
const noContainers = { listContainers: async () => [] } as unknown as Docker;
const config = { projectName: 'wms', variables: {}, environments: [] } as unknown as DualEnvConfig;

describe('waitForHealth', () => {
  it('ends with a cancel when its signal fires during a pause, not at its timeout', async () => {
    const controller = new AbortController();
    const waiting = waitForHealth(noContainers, config, ['staging-backend'], {
      timeoutMs: 120_000, pollMs: 60_000, signal: controller.signal,
      onStatus: () => controller.abort(),
    });
    await assert.rejects(waiting, (error: unknown) => error instanceof CancelledError && /Stopped waiting for staging-backend/.test(error.message));
  });

  it('without a signal, waits to its timeout and names the pending service', async () => {
    await assert.rejects(
      waitForHealth(noContainers, config, ['staging-backend'], { timeoutMs: 1, pollMs: 5 }),
      (error: unknown) => error instanceof HealthGateError && error.service === 'staging-backend' && /no container — not healthy after 0 s/.test(error.message),
    );
  });
});
