// The pre-production checklist against a real staging on the rig: its containers'
// logs read through the engine, its pages requested over HTTP, and a refusal that
// leaves production untouched — through the core and through the dual-env CLI.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { DualEnvConfig } from '../../../src/core/config';
import { checklistOf } from '../../../src/core/config';
import type { ProgressEvent } from '../../../src/core/common/progress';
import { databaseBackups } from '../../../src/core/operations/databaseBackups';
import { DeployRefusedError, describePlan, type DeployPlan } from '../../../src/core/operations/deployPreflight';
import { deployProduction } from '../../../src/core/operations/deployProduction';
import { deployStaging } from '../../../src/core/operations/deployStaging';
import { readHistory } from '../../../src/core/operations/history';
import type { OperationDeps } from '../../../src/core/operations/operationContext';
import { compose as rigCompose, projectContainers, projectName, resetStacks, servicesOf, stackLabel, startRig, type Rig } from '../../rig';
import { runCli } from '../../support/cliRun';
import { makeTempProject, type TempProject } from '../../support/tempProject';

const never = () => new AbortController().signal;
const SMOKE_PATHS = ['/healthz', '/', '/api/health', '/api/version'];

describe(`pre-production checklist against a real staging [${stackLabel()}]`, () => {
  let rig: Rig;
  let project: TempProject;
  let config: DualEnvConfig;
  let deps: OperationDeps;

  /** Production from outside: its containers and images, its backups, its history. */
  const productionState = async () => ({
    containers: (await projectContainers(rig.docker, servicesOf('production'))).map((c) => `${c.Labels['com.docker.compose.service']} ${c.Id} ${c.ImageID} ${c.State}`).sort(),
    backups: fs.existsSync(config.environments[1].backups.folder) ? fs.readdirSync(config.environments[1].backups.folder).sort() : [],
    history: readHistory(config.projectDir, 'production').length,
  });
  /** Runs the production deploy up to its confirmation, which declines; the plan it was shown. */
  async function planShown(events: ProgressEvent[] = []): Promise<DeployPlan> {
    let shown: DeployPlan | undefined;
    const result = await deployProduction(deps, { confirm: async (plan) => { shown = plan; return false; }, stagingFirst: 'refuse' }, never(), (e) => events.push(e));
    assert.equal(result.outcome, 'declined');
    assert.ok(shown);
    return shown;
  }

  before(async () => {
    rig = await startRig(['staging', 'production']);
    project = makeTempProject('stable/prisma-mysql-checklist');
    config = project.config();
    assert.equal(config.projectName, projectName);
    deps = { config, docker: rig.docker, compose: await rigCompose(), backups: databaseBackups(config) };
    await deployStaging(deps, { healthTimeoutSeconds: 120 }, never());
  });

  after(async () => {
    await resetStacks(rig);
    project?.remove();
  });

  it('lists every check as passed when staging runs this commit healthy, without errors, and answers every smoke path', async () => {
    const events: ProgressEvent[] = [];
    const plan = await planShown(events);
    assert.deepEqual(plan.checklist.map((item) => [item.check, item.outcome]), [
      ['Staging healthy on this commit', 'passed'],
      ['No error lines in Staging\'s logs', 'passed'],
      ...SMOKE_PATHS.map((p) => [`GET ${p} → 200`, 'passed']),
    ], JSON.stringify(plan.checklist, null, 1));
    assert.match(plan.checklist[1].detail, /^none in \d+ line\(s\) since its last deploy \(/);
    const text = describePlan(plan);
    assert.match(text, /\nPre-production checklist, run against staging:\n {2}passed {3}Staging healthy on this commit: Staging runs [0-9a-f]{7}, every service healthy\n {2}passed {3}No error lines in Staging's logs: none in \d+ line/);
    for (const p of SMOKE_PATHS) assert.ok(text.includes(`  passed   GET ${p} → 200: answered 200`), p);
    // the same lines reach the progress listener (the CLI's stderr, the extension's log) before the confirmation
    assert.deepEqual(events.filter((e) => e.step === 'checklist').map((e) => e.logLine), plan.checklist.map((item) => text.split('\n').find((line) => line.includes(item.check))?.trim()));
  });

  it('warns about an error line written to a staging container\'s log after its deploy, and shows it', async () => {
    const [backend] = await projectContainers(rig.docker, ['staging-backend']);
    // written to the main process's stdout, the container's log, as the app's own logger would: as the app's
    // user (USER nobody in its Dockerfile), since /proc/1/fd is open only to the process's own user
    execFileSync('docker', ['exec', '--user', 'nobody', backend.Id, 'sh', '-c', 'echo "ERROR checklist probe: payment provider unreachable" > /proc/1/fd/1']);
    const plan = await planShown();
    const logs = plan.checklist.find((item) => item.check === 'No error lines in Staging\'s logs');
    assert.equal(logs?.outcome, 'warned');
    assert.match(logs?.detail ?? '', /^1 of \d+ line\(s\) since its last deploy \(.*\): staging-backend: ERROR checklist probe: payment provider unreachable$/);
    assert.match(describePlan(plan), /\n {2}WARNING {2}No error lines in Staging's logs: 1 of \d+ line\(s\) .*ERROR checklist probe/);
    assert.ok(plan.checklist.filter((item) => item !== logs).every((item) => item.outcome === 'passed'));
  });

  it('refuses a smoke path that answers 404, before the confirmation, production untouched', async () => {
    const production = config.environments[1];
    const original = production.checklist;
    production.checklist = { ...checklistOf(production), smoke: [...checklistOf(production).smoke, { path: '/api/no-such-endpoint', status: 200, onFailure: 'refuse' }] };
    try {
      const before = await productionState();
      let asked = false;
      await assert.rejects(
        deployProduction(deps, { confirm: async () => { asked = true; return true; }, stagingFirst: 'refuse', healthTimeoutSeconds: 120 }, never()),
        (error: unknown) => error instanceof DeployRefusedError
          && error.message === 'The pre-production checklist refuses the deploy: GET /api/no-such-endpoint → 200 (answered 404); production was not changed.',
      );
      assert.equal(asked, false, 'a refusing check is not put to the user');
      assert.deepEqual(await productionState(), before);
    } finally {
      production.checklist = original;
    }
  });

  it('the CLI prints the checklist and refuses, with exit code 1, a deploy whose smoke path 404s; production untouched', async () => {
    const run = (...args: string[]) => runCli(project.composeFile, ...args);
    project.write('docker-compose-dual-env.yml', project.read('docker-compose-dual-env.yml')
      .replace('          - { path: /api/version, status: 200 }\n', '          - { path: /api/version, status: 200 }\n          - { path: /api/orders, status: 200 }\n'));
    project.git('commit', '--quiet', '--all', '-m', 'smoke-test an endpoint the backend lacks');
    const staging = await run('deploy', 'staging');
    assert.equal(staging.code, 0, staging.stderr);
    const before = await productionState();
    const refused = await run('deploy', 'production', '--yes');
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /checklist\| passed {3}Staging healthy on this commit: Staging runs [0-9a-f]{7}, every service healthy\n/);
    assert.match(refused.stderr, /checklist\| passed {3}No error lines in Staging's logs: none in \d+ line/);
    for (const p of SMOKE_PATHS) assert.ok(refused.stderr.includes(`checklist| passed   GET ${p} → 200: answered 200\n`), refused.stderr);
    assert.match(refused.stderr, /checklist\| REFUSED {2}GET \/api\/orders → 200: answered 404\n/);
    assert.match(refused.stderr, /The pre-production checklist refuses the deploy: GET \/api\/orders → 200 \(answered 404\); production was not changed\./);
    assert.deepEqual(await productionState(), before);
  });
});
