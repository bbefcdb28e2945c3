// The phrases the tree and the status bar share are whole localizable messages: a
// translation replaces each one, never an English fragment glued into another.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { english, useTranslations } from '../../../src/extension/l10n';
import { relativeTime, stateText } from '../../../src/extension/presentation';
import { container } from './fixtures';

const NOW = Date.parse('2026-11-25T14:00:00Z');

/** A "translation" that shows which messages were asked for, and where each ends. */
function bracketed(message: string, ...args: Array<string | number | boolean>): string {
  return `[${english(message, ...args)}]`;
}

describe('relative time', () => {
  it('has a phrase of its own for one minute, hour and day', () => {
    assert.equal(relativeTime('2026-11-25T13:59:00Z', NOW), '1 min ago');
    assert.equal(relativeTime('2026-11-25T13:00:00Z', NOW), '1 h ago');
    assert.equal(relativeTime('2026-11-24T14:00:00Z', NOW), '1 d ago');
    assert.equal(relativeTime('2026-11-25T11:00:00Z', NOW), '3 h ago');
    assert.equal(relativeTime('not a time', NOW), 'at an unknown time');
  });
});

describe('container state', () => {
  it('names state, health and restarts', () => {
    assert.equal(stateText(container('backend', { state: 'running', health: 'healthy', restartCount: 2 })), 'running, healthy (2 restarts)');
    assert.equal(stateText(container('backend', { state: 'restarting', health: 'none', restartCount: 1 })), 'restarting (1 restart)');
    assert.equal(stateText(container('backend', { state: 'exited', health: 'none', restartCount: 0 })), 'exited');
    assert.equal(stateText(container('backend', { state: 'running', health: 'none', restartCount: 0 })), 'running');
    assert.equal(stateText(container('backend', { state: 'missing', health: 'none', restartCount: 0 })), 'no container');
  });
});

describe('translated phrases', () => {
  afterEach(() => useTranslations(english));

  it('translate relative times whole', () => {
    useTranslations(bracketed);
    assert.equal(relativeTime('2026-11-25T11:00:00Z', NOW), '[3 h ago]');
    assert.equal(relativeTime('2026-11-25T13:59:00Z', NOW), '[1 min ago]');
    assert.equal(relativeTime('2026-11-25T13:59:30Z', NOW), '[less than a minute ago]');
  });

  it('translate state with health as one phrase, and put it into the restarts phrase whole', () => {
    useTranslations(bracketed);
    assert.equal(stateText(container('backend', { state: 'running', health: 'unhealthy', restartCount: 0 })), '[running, unhealthy]');
    assert.equal(stateText(container('backend', { state: 'running', health: 'healthy', restartCount: 2 })), '[[running, healthy] (2 restarts)]');
    assert.equal(stateText(container('backend', { state: 'dead', health: 'none', restartCount: 1 })), '[[dead] (1 restart)]');
  });
});
