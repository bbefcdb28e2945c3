// requireStagingFirst through deployProduction, on a real git repository, with
// fake engines: each environment's engine (its own dockerHost) knows only its containers.
import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import type { Environment } from '../../../src/core/config';
import { checklistOf, loadConfig } from '../../../src/core/config';
import type { DatabaseBackups } from '../../../src/core/operations/backupPort';
import { detectCompose } from '../../../src/core/compose/composeCommand';
import { deployProduction } from '../../../src/core/operations/deployProduction';
import { appendHistory, newRecord } from '../../../src/core/operations/history';
import { fakeEngineRunning } from '../../support/fakeEngine';
import type { TempRepo } from '../../support/gitRepo';
import { makeTempProject } from '../../support/tempProject';

describe('staging first with a Docker host per environment', () => {
  let repo: TempRepo | undefined;
  afterEach(() => repo?.remove());

  it('finds staging healthy on its own engine and lets the deploy reach its confirmation', async () => {
    // the whole project, .env and build contexts included: Compose's own check of the file runs before the confirmation
    repo = makeTempProject('stable/prisma-mysql-1');
    const config = loadConfig(path.join(repo.dir, 'docker-compose-dual-env.yml'), { env: { STAGING_DB_PASSWORD: 's', PRODUCTION_DB_PASSWORD: 'p' } });
    const [staging, production] = config.environments;
    // no staging runs here to answer smoke requests, and the fake engines keep no logs
    production.checklist = { ...checklistOf(production), smoke: [], stagingLogs: { ...checklistOf(production).stagingLogs, onFailure: 'off' } };
    const head = repo.git('rev-parse', 'HEAD').trim();
    appendHistory(repo.dir, newRecord({
      operation: 'deploy', environment: staging.name, outcome: 'succeeded', commit: head,
      startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), durationMs: 1,
    }));
    const engines = new Map([[staging.name, fakeEngineRunning(config.projectName, staging.services)], [production.name, fakeEngineRunning(config.projectName, production.services)]]);
    const result = await deployProduction({
      config,
      docker: engines.get(production.name)!,
      dockerFor: (environment: Environment) => engines.get(environment.name)!,
      // runs only `config --quiet`, which changes nothing; the deploy is declined before anything else runs
      compose: await detectCompose(process.env.DUAL_ENV_COMPOSE === 'v1' ? 'v1' : 'auto'),
      backups: undefined as unknown as DatabaseBackups,
    }, { confirm: async () => false }, new AbortController().signal);
    assert.equal(result.outcome, 'declined');
    assert.deepEqual(result.plan.checklist.map((item) => [item.check, item.outcome]), [['Staging healthy on this commit', 'passed']]);
  });
});
