import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interpolate, MissingVariableError, parseDotEnv } from '../../../src/core/config';

describe('interpolate (Compose substitution rules)', () => {
  const vars = { SET: 'value', EMPTY: '' };
  it('substitutes $VAR and ${VAR}', () => {
    assert.equal(interpolate('a $SET b ${SET}', vars), 'a value b value');
  });
  it('applies :- and - defaults differently for empty values', () => {
    assert.equal(interpolate('${EMPTY:-d}', vars), 'd');
    assert.equal(interpolate('${EMPTY-d}', vars), '');
    assert.equal(interpolate('${UNSET-d}', vars), 'd');
  });
  it('nests defaults', () => {
    assert.equal(interpolate('${UNSET:-${SET}}', vars), 'value');
  });
  it('keeps $$ as a literal dollar', () => {
    assert.equal(interpolate('cost $$5', vars), 'cost $5');
  });
  it('raises for :? only in strict mode', () => {
    assert.equal(interpolate('${UNSET:?needed}', vars), '');
    assert.throws(() => interpolate('${UNSET:?needed}', vars, true), MissingVariableError);
  });
});

describe('parseDotEnv', () => {
  it('reads quoted and unquoted values and skips comments', () => {
    const values = parseDotEnv('# c\nA=1\nB="two words"\nC=\'x#y\'\nD=3 # trailing\nexport E=5\n');
    assert.deepEqual(values, { A: '1', B: 'two words', C: 'x#y', D: '3', E: '5' });
  });
});
