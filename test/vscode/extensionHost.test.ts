// Runs the mocha suite in test/vscode/suite inside a real extension host and reports
// each of its tests to node's test runner. The host is code-server (offline, works in
// CI here) unless DUAL_ENV_VSCODE=desktop, which downloads desktop VS Code through
// @vscode/test-electron and runs the same suite there.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { backupDatabase } from '../../src/core/operations/backupDatabase';
import { startRemoteServer, startRig, stackServer, type RemoteServer } from '../rig';
import { startRemoteDatabase, type RemoteDatabase } from '../remote/remoteDatabase';
import { makeTempProject, type TempProject } from '../support/tempProject';
import { repoRoot } from '../e2e/harness';
import type { HostTestResult } from './suite/index';
import { buildSuite, itPerHostTest, runInCodeServer, runInDesktopVsCode } from './hostRunner';
import { plannedTests } from './plannedTests';

const suiteSource = path.join(__dirname, 'suite');
const suiteOut = path.join(repoRoot, '.vscode-test', 'suite');

/**
 * The second folder of the host's multi-root workspace: the same stack under its own
 * compose project name (nothing of it runs, so its containers show as absent), with
 * its compose file under a name only a folder setting points at. Until the multi-root
 * suite sets it, the folder holds no compose file the extension sees, and every other
 * suite sees the single project it always did.
 */
function makeSecondProject(): TempProject {
  const second = makeTempProject('main');
  fs.renameSync(second.composeFile, path.join(second.dir, 'stack.yml'));
  second.write('.env', second.read('.env').replace(/^COMPOSE_PROJECT_NAME=(.*)$/m, 'COMPOSE_PROJECT_NAME=$1-second'));
  return second;
}

/**
 * The rig's ssh wrapper first in the extension host's PATH. code-server would otherwise
 * take PATH from a login shell (/etc/profile resets it); VSCODE_CLI=1 is how VS Code's
 * server knows its environment is a user's already and skips that.
 */
function sshOnPath(server: RemoteServer): NodeJS.ProcessEnv {
  return { PATH: server.env.PATH, VSCODE_CLI: '1' };
}

/**
 * A project whose production is on the rig's remote server (only its database runs
 * there), with one backup in the server's volume: what the remote-backups suite adds as
 * a third folder. The host reaches the server as a user would: the rig's ssh first in
 * PATH. A server that cannot start fails only the tests that need it, saying why.
 */
async function remoteBackupProject(): Promise<{ env: NodeJS.ProcessEnv; database?: RemoteDatabase }> {
  let server: RemoteServer | undefined;
  let database: RemoteDatabase | undefined;
  try {
    server = await startRemoteServer();
    database = await startRemoteDatabase(server, stackServer, 'extension-host', 22);
    const backup = await backupDatabase({ config: database.config, environment: database.production }, { reason: 'for the extension host' }, new AbortController().signal);
    return { database, env: { ...sshOnPath(server), DUAL_ENV_TEST_REMOTE_PROJECT: database.project.dir, DUAL_ENV_TEST_REMOTE_BACKUP: backup.id } };
  } catch (error) {
    await database?.remove().catch(() => undefined);
    return { env: { DUAL_ENV_TEST_REMOTE_PROBLEM: error instanceof Error ? error.message : String(error) } };
  }
}

const hostSuite = buildSuite(fs.readdirSync(suiteSource).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => path.join(suiteSource, f)), suiteOut);
const planned = plannedTests(hostSuite.testFiles);

describe(`extension-host suite (${process.env.DUAL_ENV_VSCODE === 'desktop' ? 'desktop VS Code' : 'code-server'})`, () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-host-'));
  const resultsFile = path.join(scratch, 'results.json');
  const results = new Map<string, HostTestResult>();
  /** Why the host never reported, if it did not: then every test it was to run fails with this. */
  let hostProblem: string | undefined;
  // the first folder: a temp git copy of the project on a production branch, driving the rig's containers
  let project: TempProject | undefined;
  // the second folder of the multi-root workspace: another project, whose containers never run
  let second: TempProject | undefined;
  // a project with production on the remote server, opened by the remote-backups suite itself
  let remote: RemoteDatabase | undefined;

  before(async () => {
    try {
      await startRig(['staging', 'production']);
      project = makeTempProject('stable/prisma-mysql-host');
      second = makeSecondProject();
      const workspaceFile = path.join(scratch, 'host.code-workspace');
      fs.writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: project.dir, name: 'rig-project' }, { path: second.dir, name: 'second-project' }] }, null, 2));
      const onServer = await remoteBackupProject();
      remote = onServer.database;
      await (process.env.DUAL_ENV_VSCODE === 'desktop' ? runInDesktopVsCode : runInCodeServer)(hostSuite.indexPath, resultsFile, workspaceFile, onServer.env);
      if (!fs.existsSync(resultsFile)) throw new Error('the extension host wrote no results; run with VERBOSE=1 to see its console.');
      for (const result of JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as HostTestResult[]) results.set(result.title, result);
    } catch (error) {
      hostProblem = error instanceof Error ? error.message : String(error);
    }
  });

  after(async () => {
    project?.remove();
    second?.remove();
    await remote?.remove();
    fs.rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    // a test the host ran that the listing did not know would go uncounted: fail the run instead
    const unknown = [...results.keys()].filter((title) => !planned.includes(title));
    assert.deepEqual(unknown, [], 'the extension host ran tests the listing did not declare');
  });

  itPerHostTest(planned, results, () => hostProblem);
});
