// The status-bar badge's text and colour follow the environment's health.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { badgeOf } from '../../../src/extension/statusBar/badge';
import { environment, status } from './fixtures';

describe('status-bar badge', () => {
  it('is a plain tick when healthy', () => {
    const badge = badgeOf(environment('staging'), status('staging', 'healthy'));
    assert.equal(badge.text, '$(beaker) Staging ✓');
    assert.equal(badge.backgroundColor, undefined);
  });

  it('warns with the serving count when degraded', () => {
    const badge = badgeOf(environment('production'), status('production', 'degraded', { 'production-backend': { state: 'exited', health: 'none' } }));
    assert.equal(badge.text, '$(rocket) Production ⚠ 2/3');
    assert.equal(badge.backgroundColor, 'statusBarItem.warningBackground');
  });

  it('is an error when down', () => {
    const down = status('production', 'down', Object.fromEntries(environment('production').services.map((s) => [s, { state: 'exited' as const, health: 'none' as const }])));
    const badge = badgeOf(environment('production'), down);
    assert.equal(badge.text, '$(rocket) Production ✗ 0/3');
    assert.equal(badge.backgroundColor, 'statusBarItem.errorBackground');
  });

  it('is a question mark while the status is unknown', () => {
    assert.equal(badgeOf(environment('staging'), undefined).text, '$(beaker) Staging ?');
  });

  it('lists every container in the tooltip', () => {
    const { tooltip } = badgeOf(environment('staging'), status('staging', 'degraded', { 'staging-database': { state: 'restarting', health: 'none', restartCount: 1 } }));
    for (const service of environment('staging').services) assert.match(tooltip, new RegExp(`\\| ${service} \\|`));
    assert.match(tooltip, /restarting \(1 restart\)/);
  });
});
