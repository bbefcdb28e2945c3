import assert from 'node:assert/strict';
import { ConfigError } from '../../src/core/common/errors';

/** The ConfigError message `parse` throws for `what`; fails the test when the config is accepted or fails otherwise. */
export function configRefusal(parse: () => unknown, what: string): string {
  try {
    parse();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  return assert.fail(`accepted ${what}`);
}
