// The extension-host tests of a Swarm environment's rows and badge, and of a rollback
// from a backup row, run here rather than in the vscode suite: they need the swarm,
// which this suite brings up anyway, while bringing it up for the vscode suite would
// add minutes to every run of it. Opens code-server (or desktop VS Code,
// DUAL_ENV_VSCODE=desktop) on a project whose production is a stack on the rig's swarm,
// with a second project (its database on the swarm, deployed twice while the host
// starts) for the host to add as a folder, and reports each host test here; then checks from outside what the
// host's rollback did to the database and the stack.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SWARM_WEB_IMAGE, inRegistry, managerDocker, repoRoot, startSwarm, type Swarm } from '../rig';
import { buildSuite, itPerHostTest, runInCodeServer, runInDesktopVsCode } from '../vscode/hostRunner';
import { plannedTests } from '../vscode/plannedTests';
import type { HostTestResult } from '../vscode/suite/index';
import { runCli } from '../support/cliRun';
import { runningTasks } from './deployProject';
import { LOGS_PROJECT } from './helpers';
import { BACKUP_ROWS, currentRows, deployedTwice, type RollbackSetup } from './rollbackSetup';

const STACK = 'dual-env-swarm-tree';
const hostSuite = buildSuite([path.join(repoRoot, 'test', 'vscode', 'suite', 'index.ts'), path.join(__dirname, 'suite', 'swarmTree.test.ts'), path.join(__dirname, 'suite', 'swarmTreeBackups.test.ts')], path.join(repoRoot, '.vscode-test', 'swarm-suite'));
const planned = plannedTests(hostSuite.testFiles);

describe(`Swarm extension-host suite (${process.env.DUAL_ENV_VSCODE === 'desktop' ? 'desktop VS Code' : 'code-server'})`, { timeout: 900_000 }, () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-swarm-host-'));
  const results = new Map<string, HostTestResult>();
  let hostProblem: string | undefined;
  let swarm: Swarm | undefined;
  let rollback: RollbackSetup | undefined;
  let rollbackProblem = 'the driver made no database project';
  /**
   * The database project for the host, deployed while code-server starts and the host
   * runs its other tests (it takes over a minute): the host waits for `readyFile`, which
   * names the project or says why the driver could not make it.
   */
  const readyFile = path.join(scratch, 'database-project.json');
  let preparing: Promise<void> | undefined;
  const prepareRollback = async (ready: Swarm): Promise<void> => {
    let written: Record<string, string>;
    try {
      rollback = await deployedTwice(ready);
      written = rollback.env;
    } catch (error) {
      rollbackProblem = `the driver could not deploy the database project: ${error instanceof Error ? error.message : String(error)}`;
      written = { problem: rollbackProblem };
    }
    // whole or not at all: the host reads it as soon as it exists
    fs.writeFileSync(`${readyFile}.partial`, JSON.stringify(written));
    fs.renameSync(`${readyFile}.partial`, readyFile);
  };

  before(async () => {
    try {
      swarm = await startSwarm();
      preparing = prepareRollback(swarm);
      const build = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, encoding: 'utf8' });
      if (build.status !== 0) throw new Error(`building the extension failed: ${build.stderr}`);
      // the logging project under its own stack, with a restart delay long enough for the host to read a killed task's rows
      const project = path.join(scratch, 'project');
      fs.mkdirSync(project);
      const file = path.join(project, 'docker-compose-dual-env.yml');
      fs.writeFileSync(file, fs.readFileSync(LOGS_PROJECT, 'utf8').replace('delay: 1s', 'delay: 60s').replace('stack: dual-env-swarm-logs', `stack: ${STACK}`));
      const image = inRegistry(swarm, SWARM_WEB_IMAGE);
      fs.writeFileSync(path.join(project, '.env'), `WEB_IMAGE=${image}\n`);
      managerDocker(swarm, ['stack', 'deploy', '--detach=false', '--resolve-image', 'never', '-c', file, STACK], { WEB_IMAGE: image });
      const resultsFile = path.join(scratch, 'results.json');
      // the rig's ssh first in the host's PATH; VSCODE_CLI=1 keeps code-server from resetting PATH from a login shell
      const env = { PATH: swarm.env.PATH, VSCODE_CLI: '1', DUAL_ENV_TEST_SWARM_STACK: STACK, DUAL_ENV_TEST_SWARM_DB_READY: readyFile };
      // a workspace of one folder, not the folder: the host adds the database project beside it, which a folder window would reload for
      const workspaceFile = path.join(scratch, 'host.code-workspace');
      fs.writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: project, name: 'swarm-logs' }] }, null, 2));
      await (process.env.DUAL_ENV_VSCODE === 'desktop' ? runInDesktopVsCode : runInCodeServer)(hostSuite.indexPath, resultsFile, workspaceFile, env);
      if (!fs.existsSync(resultsFile)) throw new Error('the extension host wrote no results; run with VERBOSE=1 to see its console.');
      for (const result of JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as HostTestResult[]) results.set(result.title, result);
    } catch (error) {
      hostProblem = error instanceof Error ? error.message : String(error);
    }
  });

  after(async () => {
    if (swarm) managerDocker(swarm, ['stack', 'rm', STACK]);
    await preparing;
    await rollback?.project.remove();
    fs.rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    assert.deepEqual([...results.keys()].filter((title) => !planned.includes(title)), [], 'the extension host ran tests the listing did not declare');
  });

  itPerHostTest(planned, results, () => hostProblem);

  it('the rollback the host ran from a backup row brought back the backup\'s rows, through the node, and v1\'s image', async () => {
    await preparing;
    assert.ok(swarm && rollback, hostProblem ?? rollbackProblem);
    assert.deepEqual(await currentRows(rollback.project), BACKUP_ROWS);
    const web = await runningTasks(swarm, 'web', rollback.project.stack);
    assert.ok(web.length === 1 && web[0].image === rollback.v1Image && web[0].state === 'running', JSON.stringify(web));
    // with a safety backup of the rows written after the backup, taken before the restore
    const history = JSON.parse((await runCli(rollback.project.file, 'history', 'production', '--json')).stdout) as Array<{ operation: string; outcome: string; restoredBackupId?: string; backupId?: string }>;
    assert.deepEqual([history[0].operation, history[0].outcome, history[0].restoredBackupId], ['rollback', 'succeeded', rollback.backupId]);
    assert.ok(history[0].backupId && history[0].backupId !== rollback.backupId, JSON.stringify(history[0]));
  });
});
