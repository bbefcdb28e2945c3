// The extension-host test of a Swarm environment's rows and badge, run here rather
// than in the vscode suite: it needs the swarm, which this suite brings up anyway,
// while bringing it up for the vscode suite would add minutes to every run of it.
// Opens code-server (or desktop VS Code, DUAL_ENV_VSCODE=desktop) on a project whose
// production is a stack on the rig's swarm, and reports each host test here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { SWARM_WEB_IMAGE, inRegistry, managerDocker, repoRoot, startSwarm, type Swarm } from '../rig';
import { buildSuite, itPerHostTest, runInCodeServer, runInDesktopVsCode } from '../vscode/hostRunner';
import { plannedTests } from '../vscode/plannedTests';
import type { HostTestResult } from '../vscode/suite/index';
import { LOGS_PROJECT } from './helpers';

const STACK = 'dual-env-swarm-tree';
const hostSuite = buildSuite([path.join(repoRoot, 'test', 'vscode', 'suite', 'index.ts'), path.join(__dirname, 'suite', 'swarmTree.test.ts')], path.join(repoRoot, '.vscode-test', 'swarm-suite'));
const planned = plannedTests(hostSuite.testFiles);

describe(`Swarm extension-host suite (${process.env.DUAL_ENV_VSCODE === 'desktop' ? 'desktop VS Code' : 'code-server'})`, { timeout: 600_000 }, () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-swarm-host-'));
  const results = new Map<string, HostTestResult>();
  let hostProblem: string | undefined;
  let swarm: Swarm | undefined;

  before(async () => {
    try {
      swarm = await startSwarm();
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
      const env = { PATH: swarm.env.PATH, VSCODE_CLI: '1', DUAL_ENV_TEST_SWARM_STACK: STACK };
      await (process.env.DUAL_ENV_VSCODE === 'desktop' ? runInDesktopVsCode : runInCodeServer)(hostSuite.indexPath, resultsFile, project, env);
      if (!fs.existsSync(resultsFile)) throw new Error('the extension host wrote no results; run with VERBOSE=1 to see its console.');
      for (const result of JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as HostTestResult[]) results.set(result.title, result);
    } catch (error) {
      hostProblem = error instanceof Error ? error.message : String(error);
    }
  });

  after(() => {
    if (swarm) managerDocker(swarm, ['stack', 'rm', STACK]);
    fs.rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    assert.deepEqual([...results.keys()].filter((title) => !planned.includes(title)), [], 'the extension host ran tests the listing did not declare');
  });

  itPerHostTest(planned, results, () => hostProblem);
});
