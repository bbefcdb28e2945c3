// In Restricted Mode the compose file cannot choose the Docker host the status monitor connects to.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DualEnvConfig } from '../../../src/core/config/model';
import { DEFAULT_SETTINGS, applySettings } from '../../../src/extension/settings/applySettings';
import { withoutDeclaredDockerHosts } from '../../../src/extension/restrictedMode';
import { environment } from './fixtures';

const declared = { environments: [environment('staging'), { ...environment('production'), dockerHost: 'ssh://deploy@server' }] } as DualEnvConfig;

describe('withoutDeclaredDockerHosts', () => {
  it('drops the dockerHost of x-dual-env and names what it dropped', () => {
    const { config, ignored } = withoutDeclaredDockerHosts(declared);
    assert.deepEqual(config.environments.map((e) => e.dockerHost), [undefined, undefined]);
    assert.deepEqual(ignored, ['production: ssh://deploy@server']);
    assert.equal(declared.environments[1].dockerHost, 'ssh://deploy@server', 'the loaded config is not changed');
  });

  it('returns the same config when the compose file names no host', () => {
    const plain = { environments: [environment('staging')] } as DualEnvConfig;
    assert.deepEqual(withoutDeclaredDockerHosts(plain), { config: plain, ignored: [] });
  });

  it('leaves the host from the user\'s dualEnv.dockerHost setting in force', () => {
    const { config } = withoutDeclaredDockerHosts(declared);
    const applied = applySettings(config, { ...DEFAULT_SETTINGS, dockerHost: { production: 'tcp://mine:2375' } });
    assert.deepEqual(applied.environments.map((e) => e.dockerHost), [undefined, 'tcp://mine:2375']);
  });
});
