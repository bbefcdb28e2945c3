// The dualEnv.* settings override x-dual-env per environment, and only when set.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DualEnvConfig } from '../../../src/core/config/model';
import { DEFAULT_SETTINGS, applySettings } from '../../../src/extension/settings/applySettings';
import { environment } from './fixtures';

const config = { environments: [environment('staging'), { ...environment('production'), dockerHost: 'tcp://declared:2375' }] } as DualEnvConfig;

describe('applySettings', () => {
  it('keeps the compose file values when no setting is given', () => {
    assert.deepEqual(applySettings(config, DEFAULT_SETTINGS).environments, config.environments);
  });

  it('overrides health timeout, retention and the Docker host of one environment', () => {
    const applied = applySettings(config, { ...DEFAULT_SETTINGS, healthTimeoutSeconds: 30, backupRetention: 4, dockerHost: { production: 'ssh://deploy@server' } });
    assert.deepEqual(applied.environments.map((e) => [e.healthTimeoutSeconds, e.backups.retention, e.dockerHost]), [
      [30, 4, undefined],
      [30, 4, 'ssh://deploy@server'],
    ]);
  });
});
