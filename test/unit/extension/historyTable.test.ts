import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryRecord } from '../../../src/core/operations/history';
import { historyTable } from '../../../src/extension/historyTable';

const base = { user: 'dev', hostname: 'box', startedAt: '2026-11-25T12:00:00.000Z', durationMs: 61_400 };

describe('deploy history table', () => {
  it('lists deploys and rollbacks newest first with outcome, tag, backup and error', () => {
    const records: HistoryRecord[] = [
      { ...base, id: '1', operation: 'deploy', environment: 'production', outcome: 'succeeded', finishedAt: '2026-11-25T12:01:01.400Z', branch: 'stable/prisma-mysql-1', commit: 'abc1234def', tag: 'production-20261125-120000', backupId: '20261125-120000' },
      { ...base, id: '2', operation: 'rollback', environment: 'production', outcome: 'failed', finishedAt: '2026-11-25T13:00:00.000Z', restoredBackupId: '20261125-120000', error: 'health gate | timed out' },
    ];
    const lines = historyTable(records, '/srv/app').split('\n').filter((line) => line.startsWith('| 2026'));
    assert.equal(lines.length, 2);
    // the same words as `dual-env history` prints: one core text for both faces
    assert.match(lines[0], /^\| 2026-11-25 12:00:00 \| production \| failed \| rollback to 20261125-120000 \|.*health gate \\\| timed out \|$/);
    assert.match(lines[1], /\| succeeded \| deploy stable\/prisma-mysql-1 @ abc1234 \| production-20261125-120000 \| 20261125-120000 \| 61 s \| dev@box/);
  });

  it('says when nothing was recorded', () => {
    assert.match(historyTable([], '/srv/app'), /No deploy or rollback has been recorded yet/);
  });
});
