import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelledError } from '../../../src/core/common/errors';
import { compactTimestamp } from '../../../src/core/common/time';
import { describePlan, type DeployPlan } from '../../../src/core/operations/deployPreflight';
import { notAsBefore } from '../../../src/core/operations/deployProduction';
import { splitImageName } from '../../../src/core/operations/liveImages';
import { pointOfNoReturn } from '../../../src/core/operations/operationContext';
import { progressReporter, type ProgressEvent } from '../../../src/core/common/progress';

const commit = (shortHash: string, subject: string) => ({ hash: `${shortHash}${'0'.repeat(33)}`, shortHash, subject, author: 'Ada', date: '2026-11-25T10:00:00Z' });

describe('deploy pieces', () => {
  it('splits image names with registries, ports and digests-free tags', () => {
    assert.deepEqual(splitImageName('wms-backend:production'), { repo: 'wms-backend', tag: 'production' });
    assert.deepEqual(splitImageName('registry.local:5000/team/wms-backend:1.2'), { repo: 'registry.local:5000/team/wms-backend', tag: '1.2' });
    assert.deepEqual(splitImageName('registry.local:5000/wms-backend'), { repo: 'registry.local:5000/wms-backend', tag: 'latest' });
  });

  it('stamps UTC times that sort', () => {
    assert.equal(compactTimestamp(new Date(Date.UTC(2026, 0, 2, 3, 4, 5))), '20260102-030405');
  });

  it('describes the plan: what, what changes, which services are rebuilt and which kept, the backup, what a failure leads to, the warnings', () => {
    const plan: DeployPlan = {
      environment: 'production', label: 'Production', branch: 'stable/prisma-mysql-7', commit: commit('abc1234', 'fix totals'),
      toCommit: { files: ['a.ts', 'b.ts'], message: 'hotfix' },
      changes: [commit('abc1234', 'fix totals'), commit('def5678', 'add export')], since: 'production-20261101-120000',
      rebuilt: ['production-frontend', 'production-backend'], keptRunning: ['production-database'], onFailure: 'report',
      replacement: [{ service: 'production-frontend', how: 'beside' }, { service: 'production-backend', how: 'recreate', why: 'the host port 5000 it publishes can be held by one container only' }],
      maintenanceWindow: false, drainSeconds: 30, healthTimeoutSeconds: 120,
      backup: 'A verified backup of the warehouse_wms database will be taken first.',
      checklist: [
        { check: 'Staging healthy on this commit', outcome: 'warned', detail: 'Commit abc1234 has not been deployed to Staging' },
        { check: 'GET /api/health → 200', outcome: 'passed', detail: 'answered 200' },
      ],
    };
    const text = describePlan(plan);
    // only the services with a build are rebuilt; the database is only kept running
    assert.match(text, /\nRebuilt from this commit: production-frontend, production-backend\.\nLeft running as they are \(started if stopped\): production-database\.\n/);
    // which service is replaced without downtime, which is recreated, why, and the downtime to expect
    assert.match(text, /\nWithout downtime: production-frontend start beside the running version; production-frontend gets requests as soon as it runs .* the old containers get 30 s to finish their requests and go\. If a new one is not healthy, it is removed and the old version goes on serving\.\n/);
    assert.match(text, /\nRecreated, with downtime: production-backend \(the host port 5000 it publishes can be held by one container only\) is stopped before its new container starts: expect it to be away for its start and health check, a few seconds and at most 120 s\.\n/);
    assert.doesNotMatch(text, /Maintenance window/);
    assert.match(describePlan({ ...plan, maintenanceWindow: true }), /\nMaintenance window: the old version is stopped before the new one starts/);
    assert.match(text, /production is left as it is and the rollback command is named/);
    assert.match(describePlan({ ...plan, onFailure: 'auto-rollback' }), /rolled back at once: the previous images and the database from that backup \(what was written meanwhile is kept in a safety backup\)/);
    assert.match(text, /^Deploy stable\/prisma-mysql-7 @ abc1234 \(fix totals\) to Production\./);
    assert.match(text, /First commit 2 changed file\(s\) \(a\.ts, b\.ts\) as "hotfix"/);
    assert.match(text, /2 commit\(s\) since production-20261101-120000:\n {2}abc1234 fix totals \(Ada\)\n {2}def5678 add export \(Ada\)/);
    assert.match(text, /verified backup of the warehouse_wms database/);
    assert.match(text, /\nPre-production checklist, run against staging:\n {2}WARNING {2}Staging healthy on this commit: Commit abc1234 has not been deployed to Staging\n {2}passed {3}GET \/api\/health → 200: answered 200$/);
  });

  it('cancels before the point of no return and answers a cancel after it', () => {
    const events: ProgressEvent[] = [];
    const early = new AbortController();
    const before = pointOfNoReturn(early.signal, progressReporter((e) => events.push(e)));
    early.abort();
    assert.throws(() => before.enter('git'), CancelledError);
    assert.equal(before.passed, false);

    const late = new AbortController();
    const after = pointOfNoReturn(late.signal, progressReporter((e) => events.push(e)));
    after.enter('git');
    after.enter('build');
    late.abort();
    assert.equal(after.passed, true);
    assert.equal(events.at(-1)?.message, 'Cannot stop now, finishing step build; the operation will complete or roll back.');
  });

  it('says after a rollback which service does not run its previous image, and nothing when all do', () => {
    const previous = { frontend: 'sha256:aaaaaaaaaaaaaaaa', backend: 'sha256:bbbbbbbbbbbbbbbb' };
    assert.deepEqual(notAsBefore(previous, { ...previous }), []);
    assert.deepEqual(notAsBefore(previous, { frontend: 'sha256:cccccccccccccccc', backend: previous.backend }), ['frontend runs image cccccccccccc, not its previous aaaaaaaaaaaa']);
    assert.deepEqual(notAsBefore({ backend: previous.backend }, { frontend: 'sha256:cccccccccccccccc' }), [
      'backend is not running',
      'frontend runs image cccccccccccc (it had no previous image)',
    ]);
  });
});
