// What the terminal's signals do to a `dual-env deploy production` on the rig. The CLI
// runs in a process group of its own, and the signals go to that whole group, as a
// terminal's Ctrl-C (SIGINT) and hang-up (SIGHUP) do to its foreground job.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DualEnvConfig } from '../../../src/core/config';
import { readHistory } from '../../../src/core/operations/history';
import { lockFile } from '../../../src/core/operations/lock';
import { projectContainers, projectName, repoRoot, servicesOf, startRig, type Rig, stackLabel, resetStacks } from '../../rig';
import { makeTempProject, type TempProject } from '../../support/tempProject';

const cli = path.join(repoRoot, 'src', 'cli', 'main.ts');

interface Cli {
  child: ChildProcessByStdio<null, Readable, Readable>;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stderr matches; fails when the CLI ends first or after two minutes. */
  waitFor(pattern: RegExp): Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe(`dual-env deploy and rollback of production and the terminal's signals [${stackLabel()}]`, () => {
  let rig: Rig;
  let project: TempProject;
  let config: DualEnvConfig;

  /** Starts the CLI as a terminal starts a job: the leader of its own process group. */
  function start(...args: string[]): Cli {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--file', project.composeFile, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let ended = false;
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => { ended = true; resolve({ code, signal }); }));
    return {
      child, stdout: () => stdout, stderr: () => stderr, exit,
      async waitFor(pattern) {
        const deadline = Date.now() + 120_000;
        while (!pattern.test(stderr)) {
          if (ended) assert.fail(`the CLI ended before printing ${pattern}:\n${stderr}`);
          if (Date.now() > deadline) assert.fail(`no ${pattern} within two minutes:\n${stderr}`);
          await sleep(10);
        }
      },
    };
  }

  function run(...args: string[]) {
    const cli = start(...args);
    return cli.exit.then(({ code }) => ({ code, stdout: cli.stdout(), stderr: cli.stderr() }));
  }

  /** Commits a new release and deploys it to staging, as production's requireStagingFirst wants. */
  async function newRelease(name: string): Promise<string> {
    project.write('examples/wms/frontend/html/index.html', `<p>${name}</p>\n`);
    project.git('commit', '--quiet', '--all', '-m', name);
    const staging = await run('deploy', 'staging');
    assert.equal(staging.code, 0, staging.stderr);
    return project.git('rev-parse', 'HEAD').trim();
  }

  /** When the containers of production's built services were created: after a signal, they prove Compose was still at work when it came. */
  async function createdAt(): Promise<number[]> {
    const containers = await projectContainers(rig.docker, ['production-frontend', 'production-backend']);
    return Promise.all(containers.map(async (c) => Date.parse((await rig.docker.getContainer(c.Id).inspect()).Created)));
  }

  async function assertDeployed(commit: string, release: string) {
    const productionUrl = `http://127.0.0.1:${rig.env.PRODUCTION_HTTP_PORT}`;
    assert.equal((await fetch(`${productionUrl}/api/health`)).status, 200);
    assert.equal(await (await fetch(productionUrl)).text(), `<p>${release}</p>\n`);
    assert.equal(((await (await fetch(`${productionUrl}/api/version`)).json()) as { commit: string }).commit, commit);
    const record = readHistory(config.projectDir, 'production').at(-1)!;
    assert.deepEqual([record.operation, record.outcome, record.commit], ['deploy', 'succeeded', commit]);
    assert.equal(fs.existsSync(lockFile(config.projectDir, 'production')), false, 'the lock was released');
  }

  before(async () => {
    rig = await startRig(['staging', 'production']);
    project = makeTempProject('stable/prisma-mysql-signals');
    config = project.config();
    assert.equal(config.projectName, projectName);
  });

  after(async () => {
    await resetStacks(rig);
    project?.remove();
  });

  it('stops on Ctrl-C before anything changed: nothing deployed, the history says cancelled, the lock is released', async () => {
    await newRelease('release cancelled');
    const containers = (await projectContainers(rig.docker, servicesOf('production'))).map((c) => c.Id).sort();
    const tags = project.git('tag', '--list');
    const deploy = start('deploy', 'production', '--yes');
    await deploy.waitFor(/… backup: Backing up/);
    process.kill(-deploy.child.pid!, 'SIGINT');
    const { code } = await deploy.exit;
    assert.equal(code, 1, deploy.stderr());
    assert.match(deploy.stderr(), /dual-env: Backup cancelled; no backup was kept\.\n$/);
    assert.deepEqual((await projectContainers(rig.docker, servicesOf('production'))).map((c) => c.Id).sort(), containers);
    assert.equal(project.git('tag', '--list'), tags);
    assert.equal(readHistory(config.projectDir, 'production').at(-1)?.outcome, 'cancelled');
    assert.equal(fs.existsSync(lockFile(config.projectDir, 'production')), false, 'the lock was released');
  });

  it('finishes replacing the containers on Ctrl-C, and on a second one, past the point of no return, and writes its history line', async () => {
    const commit = await newRelease('release sigint');
    const deploy = start('deploy', 'production', '--yes');
    await deploy.waitFor(/… start: Starting the new/);
    const signalledAt = Date.now();
    process.kill(-deploy.child.pid!, 'SIGINT');
    await deploy.waitFor(/Cannot stop now, finishing step start/);
    process.kill(-deploy.child.pid!, 'SIGINT');
    const { code, signal } = await deploy.exit;
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, deploy.stderr());
    const stderr = deploy.stderr();
    assert.equal(stderr.match(/Cannot stop now/g)?.length, 1, stderr);
    assert.equal(stderr.match(/still finishing; wait for the operation to end/g)?.length, 1, stderr);
    assert.ok(stderr.indexOf('Cannot stop now') < stderr.indexOf('✓ start: The new'), `Compose was still starting the new containers when Ctrl-C came:\n${stderr}`);
    assert.ok((await createdAt()).some((created) => created > signalledAt), 'Compose created a container after the signal');
    assert.match(deploy.stdout(), new RegExp(`^Deployed ${commit.slice(0, 7)} to Production`));
    await assertDeployed(commit, 'release sigint');
  });

  it('finishes replacing the containers when the terminal hangs up, with nowhere left to write, and writes its history line', async () => {
    const commit = await newRelease('release sighup');
    const deploy = start('deploy', 'production', '--yes');
    await deploy.waitFor(/… start: Starting the new/);
    // the terminal is gone: every later write of the CLI fails (EPIPE here, EIO on a tty)
    deploy.child.stdout.destroy();
    deploy.child.stderr.destroy();
    const signalledAt = Date.now();
    process.kill(-deploy.child.pid!, 'SIGHUP');
    const { code, signal } = await deploy.exit;
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, `history: ${JSON.stringify(readHistory(config.projectDir, 'production').at(-1))}`);
    assert.ok((await createdAt()).some((created) => created > signalledAt), 'Compose created a container after the signal');
    await assertDeployed(commit, 'release sighup');
  });

  it('finishes a rollback whose terminal hangs up as the restore swaps the data in, and writes its history line', async () => {
    const deployed = readHistory(config.projectDir, 'production').at(-1)!;
    const previous = readHistory(config.projectDir, 'production').filter((r) => r.operation === 'deploy' && r.outcome === 'succeeded').at(-2)!;
    const rollback = start('rollback', 'production', '--yes');
    // from the swap on a rollback cannot stop (before it, a hang-up cancels it with nothing changed)
    await rollback.waitFor(/restore\| Swapping the restored tables/);
    rollback.child.stdout.destroy();
    rollback.child.stderr.destroy();
    process.kill(-rollback.child.pid!, 'SIGHUP');
    const { code, signal } = await rollback.exit;
    const record = readHistory(config.projectDir, 'production').at(-1)!;
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, `history: ${JSON.stringify(record)}`);
    assert.deepEqual([record.operation, record.outcome, record.restoredBackupId], ['rollback', 'succeeded', deployed.backupId]);
    const productionUrl = `http://127.0.0.1:${rig.env.PRODUCTION_HTTP_PORT}`;
    assert.equal((await fetch(`${productionUrl}/api/health`)).status, 200);
    assert.equal(await (await fetch(productionUrl)).text(), '<p>release sigint</p>\n');
    assert.equal(((await (await fetch(`${productionUrl}/api/version`)).json()) as { commit: string }).commit, previous.commit);
    assert.equal(fs.existsSync(lockFile(config.projectDir, 'production')), false, 'the lock was released');
  });
});
