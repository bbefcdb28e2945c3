// The lock and the deploy history of production on a server live on that server: two
// clones of the project (two laptops) exclude each other's deploys with the holder named,
// read the same history lines, and a lock left by a killed holder is named and removed
// with `dual-env unlock` after confirmation.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { remediesOf } from '../../src/core/common/remedies';
import type { DualEnvConfig, Environment } from '../../src/core/config';
import { dockerClientFor } from '../../src/core/docker/client';
import { serverStateNames } from '../../src/core/docker/serverState';
import type { DatabaseBackups } from '../../src/core/operations/backupPort';
import { databaseBackups } from '../../src/core/operations/databaseBackups';
import { deployProduction } from '../../src/core/operations/deployProduction';
import { readEnvironmentHistory } from '../../src/core/operations/environmentHistory';
import { acquireEnvironmentLock, environmentLockHolder } from '../../src/core/operations/environmentLock';
import { LockedError } from '../../src/core/operations/lock';
import type { OperationDeps } from '../../src/core/operations/operationContext';
import { compose, DATABASE_SERVERS, ensureRemoteHalf, stackServer, startRemoteServer, startRig, type RemoteServer } from '../rig';
import { runCli } from '../support/cliRun';
import type { TempProject } from '../support/tempProject';
import { remoteProject } from './helpers';

const BRANCH = 'stable/prisma-mysql-team';
const never = () => new AbortController().signal;

/** A laptop: its own clone of the project, on the release branch, with production on the server. */
interface Laptop {
  project: TempProject;
  config: DualEnvConfig;
  production: Environment;
}

function laptop(server: RemoteServer): Laptop {
  const project = remoteProject(server);
  project.git('checkout', '--quiet', '-b', BRANCH);
  project.git('commit', '--quiet', '--all', '-m', 'production runs on the server');
  const config = project.config();
  return { project, config, production: config.environments.find((e) => e.name === 'production')! };
}

async function depsOf(machine: Laptop, backups: DatabaseBackups = databaseBackups(machine.config)): Promise<OperationDeps> {
  return { config: machine.config, docker: dockerClientFor(machine.production), compose: await compose(), backups };
}

describe(`production's lock and history on the server, from two clones (${DATABASE_SERVERS[stackServer].label})`, () => {
  let server: RemoteServer;
  let alice: Laptop;
  let bob: Laptop;
  const children: ChildProcess[] = [];

  before(async () => {
    server = await startRemoteServer();
    await ensureRemoteHalf(server, 'production');
    // staging runs on this machine, where the pre-production checklist requests it
    await startRig(['staging']);
    alice = laptop(server);
    bob = laptop(server);
    assert.equal(alice.config.projectName, bob.config.projectName, 'both clones drive the same compose project on the server');
    // a previous run's state must not decide this one: the server's lock and history start empty
    const names = serverStateNames(alice.config.projectName, 'production');
    for (const container of [names.lockContainer, names.stateContainer]) await server.docker.getContainer(container).remove({ force: true }).catch(() => undefined);
    await server.docker.getVolume(names.stateVolume).remove().catch(() => undefined);
  });
  after(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    alice?.project.remove();
    bob?.project.remove();
  });

  it('runs one clone\'s deploy while refusing the other\'s with the holder named; both then read the same history line', async () => {
    // alice's deploy is held once it holds the lock (at its backup, before anything changes), through the real backups
    let reachedBackup!: () => void;
    const atBackup = new Promise<void>((resolve) => { reachedBackup = resolve; });
    let letGo!: () => void;
    const gate = new Promise<void>((resolve) => { letGo = resolve; });
    const real = databaseBackups(alice.config);
    const held: DatabaseBackups = { ...real, create: async (...args) => { reachedBackup(); await gate; return real.create(...args); } };
    const alicesDeploy = deployProduction(await depsOf(alice, held), { confirm: async () => true, stagingFirst: 'ask', healthTimeoutSeconds: 180 }, never());
    await Promise.race([atBackup, alicesDeploy.then(() => assert.fail('alice\'s deploy ended before its backup'))]);

    let bobAsked = false;
    const refused = await deployProduction(await depsOf(bob), { confirm: async () => (bobAsked = true), stagingFirst: 'ask', healthTimeoutSeconds: 180 }, never())
      .then(() => assert.fail('bob\'s deploy ran beside alice\'s'), (error: unknown) => error);
    assert.ok(bobAsked, 'bob confirmed: the refusal comes from the lock, not from a check before it');
    assert.ok(refused instanceof LockedError, String(refused));
    assert.match(refused.message, new RegExp(`^production is busy: deploy of ${BRANCH.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} by .+ on .+ \\(pid ${process.pid}, since \\d{4}-.+\\); try again when it has finished\\. Its lock is on ssh://dual-env-remote, where Dual Env cannot tell whether that process still runs; if it is gone, remove the lock\\.$`));
    assert.deepEqual(remediesOf(refused), [{ kind: 'unlock', environment: 'production' }]);

    letGo();
    const result = await alicesDeploy;
    assert.equal(result.outcome, 'succeeded', result.error);
    assert.equal((await environmentLockHolder(bob.config, bob.production)).held, false, 'alice\'s deploy released the lock on the server');

    const alicesLines = await readEnvironmentHistory(alice.config, alice.production);
    const bobsLines = await readEnvironmentHistory(bob.config, bob.production);
    assert.equal(alicesLines.length, 1, JSON.stringify(alicesLines));
    assert.deepEqual(bobsLines, alicesLines, 'both clones read the history kept on the server');
    assert.equal(bobsLines[0].outcome, 'succeeded');
    assert.equal(bobsLines[0].tag, result.tag);
    assert.equal(bobsLines[0].backupId, result.backup?.id);
    // the CLI of the other clone prints it too
    const cli = await runCli(bob.project.composeFile, 'history', 'production', '--json');
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual((JSON.parse(cli.stdout) as { id: string }[]).map((r) => r.id), [alicesLines[0].id]);
  });

  it('names a lock left by a killed holder, and `dual-env unlock` removes it only once confirmed', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'serverLockChild.ts'), alice.project.composeFile, 'production'], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      child.once('exit', (code) => reject(new Error(`the lock child exited (${code}) without a word`)));
    });
    assert.equal(line, `acquired ${child.pid}`);
    child.kill('SIGKILL');
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));

    // the holder is gone, but nothing on the server can tell: the lock still refuses, naming it
    const refusal = await acquireEnvironmentLock(bob.config, bob.production, 'rollback').then(() => assert.fail('the lock was taken over'), (error: unknown) => error);
    assert.ok(refusal instanceof LockedError, String(refusal));
    assert.equal(refusal.holder?.pid, child.pid);
    assert.match(refusal.message, new RegExp(`deploy held by a test by .+ \\(pid ${child.pid}, since .+\\).*if it is gone, remove the lock\\.$`));

    // without a terminal and without --yes nothing is removed
    const unconfirmed = await runCli(bob.project.composeFile, 'unlock', 'production');
    assert.equal(unconfirmed.code, 2, unconfirmed.stderr);
    assert.equal(unconfirmed.stderr.trim(), 'dual-env: Unlock changes the lock of production and there is no terminal to confirm on; pass --yes to confirm.');
    assert.equal((await environmentLockHolder(bob.config, bob.production)).holder?.pid, child.pid);

    const unlocked = await runCli(bob.project.composeFile, 'unlock', 'production', '--yes');
    assert.equal(unlocked.code, 0, unlocked.stderr);
    assert.match(unlocked.stdout, new RegExp(`^Removed the lock of Production \\(deploy held by a test by .+ \\(pid ${child.pid}, since .+\\)\\)\\.\\n$`));
    assert.equal((await environmentLockHolder(alice.config, alice.production)).held, false);

    const again = await runCli(bob.project.composeFile, 'unlock', 'production', '--yes');
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, 'Production is not locked.\n');

    // and the environment is free again for either clone
    const lock = await acquireEnvironmentLock(alice.config, alice.production, 'rollback');
    await lock.release();
  });
});
