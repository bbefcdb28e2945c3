// The Environments view says why the compose file cannot be used above the tree, and
// says nothing in the other states, whose welcome content a message would hide.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { english } from '../../../src/extension/l10n';
import { viewMessage } from '../../../src/extension/tree/viewMessage';

describe('Environments view message', () => {
  it('names the configuration error', () => {
    assert.equal(viewMessage('configError', 'x-dual-env.environments.production.services is missing.'),
      'The compose file cannot be used: x-dual-env.environments.production.services is missing.');
  });

  it('is empty in every other state', () => {
    for (const state of ['noFolder', 'noComposeFile', 'dockerUnreachable', 'ready'] as const) assert.equal(viewMessage(state, 'a reason'), undefined, state);
  });
});

describe('English messages before vscode.l10n.t is handed over', () => {
  it('fill {0} placeholders in order and leave missing ones as they are', () => {
    assert.equal(english('{0} is degraded: {1} of {2} services serve', 'Production', 2, 3), 'Production is degraded: 2 of 3 services serve');
    assert.equal(english('{1} then {0}', 'a', 'b'), 'b then a');
    assert.equal(english('{0} and {1}', 'a'), 'a and {1}');
  });
});
