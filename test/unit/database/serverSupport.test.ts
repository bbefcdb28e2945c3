import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertSupportedServer, parseServerVersion } from '../../../src/core/database/serverSupport';

describe('supported database servers', () => {
  it('reads product and version from what VERSION() says', () => {
    assert.deepEqual(parseServerVersion('10.11.19-MariaDB-0+deb12u1'), { product: 'MariaDB', version: [10, 11, 19] });
    assert.deepEqual(parseServerVersion('9.7.4-2'), { product: 'MySQL', version: [9, 7, 4] });
    assert.deepEqual(parseServerVersion('8.0.36'), { product: 'MySQL', version: [8, 0, 36] });
  });

  it('takes the servers it is tested on and the oldest it supports', () => {
    for (const version of ['9.7.4-2', '8.4.3', '8.0.17', '10.11.19-MariaDB-0+deb12u1', '10.3.0-MariaDB', '11.4.2-MariaDB']) {
      assert.doesNotThrow(() => assertSupportedServer(version, 'root@127.0.0.1:3307'), version);
    }
  });

  it('refuses older servers in one sentence that names the server and what is supported', () => {
    assert.throws(() => assertSupportedServer('5.7.44-log', 'root@127.0.0.1:3307'),
      { message: 'root@127.0.0.1:3307 runs MySQL 5.7.44-log, which Dual Env does not support: it backs up MySQL 8.0.17 or newer and MariaDB 10.3.0 or newer; nothing was changed.' });
    assert.throws(() => assertSupportedServer('8.0.16', 'x'), /MySQL 8\.0\.16, which Dual Env does not support/);
    assert.throws(() => assertSupportedServer('10.2.44-MariaDB', 'x'), /MariaDB 10\.2\.44-MariaDB, which Dual Env does not support/);
  });
});
