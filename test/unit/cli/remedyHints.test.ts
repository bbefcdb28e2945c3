import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorReport } from '../../../src/cli/remedyHints';
import { remediesOf } from '../../../src/core/common/remedies';
import { UsageError } from '../../../src/core/common/errors';

describe('remedies under a CLI error', () => {
  it('prints each remedy as the command that does it, under the message', () => {
    assert.equal(
      errorReport('production-backend did not become healthy.', [
        { kind: 'rollback', environment: 'production', backupId: '20261205-101500' },
        { kind: 'showLogs', environment: 'production', service: 'production-backend' },
      ]),
      'dual-env: production-backend did not become healthy.\n'
      + '  → roll back: dual-env rollback production 20261205-101500\n'
      + '  → read the logs: dual-env logs production production-backend\n',
    );
  });

  it('says where a password goes, never what it is', () => {
    assert.match(errorReport('No password.', [{ kind: 'setDatabasePassword', environment: 'production', variable: 'PRODUCTION_DB_PASSWORD' }]), /set PRODUCTION_DB_PASSWORD in the environment or in \.env\n$/);
  });

  it('reads the remedies of an engine error as plain data, and none of any other error', () => {
    const error = new UsageError('There is no backup "x" of production.', { remedies: [{ kind: 'listBackups', environment: 'production' }] });
    // what crosses the bundle boundary is the property, not the class
    assert.deepEqual(remediesOf({ ...error, remedies: error.remedies }), [{ kind: 'listBackups', environment: 'production' }]);
    assert.deepEqual(remediesOf(new Error('plain')), []);
    assert.deepEqual(remediesOf(undefined), []);
  });
});
