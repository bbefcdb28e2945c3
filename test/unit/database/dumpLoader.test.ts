import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Connection } from '../../../src/core/database/connection';
import { runStatement } from '../../../src/core/database/dumpLoader';

/** A connection whose first `failures` queries fail with `errno`, recording what it was sent. */
function flakyConnection(failures: number, errno: number) {
  const sent: string[] = [];
  const connection = {
    async query(sql: string) {
      sent.push(sql);
      if (sent.length <= failures) throw Object.assign(new Error('Deadlock found when trying to get lock'), { errno });
      return [];
    },
  } as unknown as Connection;
  return { connection, sent };
}

describe('runStatement', () => {
  it('runs an INSERT again after InnoDB chose it as a deadlock victim (the statement was rolled back whole)', async () => {
    const { connection, sent } = flakyConnection(2, 1213);
    await runStatement(connection, 'INSERT INTO t VALUES (1)');
    assert.deepEqual(sent, Array(3).fill('INSERT INTO t VALUES (1)'));
  });

  it('gives up after a few deadlocks, and never retries other errors or other statements', async () => {
    await assert.rejects(runStatement(flakyConnection(99, 1213).connection, 'INSERT INTO t VALUES (1)'), /Deadlock/);
    const duplicate = flakyConnection(1, 1062);
    await assert.rejects(runStatement(duplicate.connection, 'INSERT INTO t VALUES (1)'));
    assert.equal(duplicate.sent.length, 1);
    const ddl = flakyConnection(1, 1213);
    await assert.rejects(runStatement(ddl.connection, 'ALTER TABLE t ADD KEY (a)'));
    assert.equal(ddl.sent.length, 1);
  });
});
