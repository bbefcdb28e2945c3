// The status-bar badge's text, colour and spoken name follow the environment's health.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { badgeOf } from '../../../src/extension/statusBar/badge';
import { environment, status } from './fixtures';

describe('status-bar badge', () => {
  it('is a check codicon when healthy, read as "Staging is healthy"', () => {
    const badge = badgeOf(environment('staging'), status('staging', 'healthy'));
    assert.equal(badge.text, '$(beaker) Staging $(check)');
    assert.equal(badge.ariaLabel, 'Staging is healthy');
    assert.equal(badge.backgroundColor, undefined);
  });

  it('warns with the serving count when degraded, and says the count as a sentence', () => {
    const badge = badgeOf(environment('production'), status('production', 'degraded', { 'production-backend': { state: 'exited', health: 'none' } }));
    assert.equal(badge.text, '$(rocket) Production $(warning) 2/3');
    assert.equal(badge.ariaLabel, 'Production is degraded: 2 of 3 services serve');
    assert.equal(badge.backgroundColor, 'statusBarItem.warningBackground');
  });

  it('is an error when down', () => {
    const down = status('production', 'down', Object.fromEntries(environment('production').services.map((s) => [s, { state: 'exited' as const, health: 'none' as const }])));
    const badge = badgeOf(environment('production'), down);
    assert.equal(badge.text, '$(rocket) Production $(error) 0/3');
    assert.equal(badge.ariaLabel, 'Production is down: 0 of 3 services serve');
    assert.equal(badge.backgroundColor, 'statusBarItem.errorBackground');
  });

  it('names its folder in its text, tooltip and spoken name when several folders hold a compose file', () => {
    const badge = badgeOf(environment('production'), status('production', 'healthy'), 'shop');
    assert.equal(badge.text, '$(rocket) shop · Production $(check)');
    assert.equal(badge.ariaLabel, 'shop · Production is healthy');
    assert.match(badge.tooltip, /^\*\*shop · Production\*\* is healthy\./);
  });

  it('is a question codicon while the status is unknown', () => {
    const badge = badgeOf(environment('staging'), undefined);
    assert.equal(badge.text, '$(beaker) Staging $(question)');
    assert.equal(badge.ariaLabel, 'The status of Staging is not known yet');
  });

  it('shows no Unicode status mark, whatever the health', () => {
    for (const health of ['healthy', 'degraded', 'down', 'unknown'] as const) {
      const badge = badgeOf(environment('staging'), status('staging', health));
      assert.doesNotMatch(`${badge.text}${badge.tooltip}`, /[✓✔⚠✗✘]/u, health);
    }
  });

  it('lists every container in the tooltip, one sentence per line, no table', () => {
    const { tooltip } = badgeOf(environment('staging'), status('staging', 'degraded', { 'staging-database': { state: 'restarting', health: 'none', restartCount: 1 } }));
    assert.match(tooltip, /^\*\*Staging\*\* is degraded\.\n\n/);
    for (const service of environment('staging').services) assert.match(tooltip, new RegExp(`^${service}: `, 'm'));
    assert.match(tooltip, /^staging-database: restarting \(1 restart\)$/m);
    assert.doesNotMatch(tooltip, /\|/);
  });
});
