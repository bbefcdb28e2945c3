import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { PassThrough } from 'node:stream';
import { backupVolumeName } from '../../src/core/database';
import type { ProgressEvent } from '../../src/core/common/progress';
import { serverStateNames } from '../../src/core/docker/serverState';
import { environmentLockHolder } from '../../src/core/operations/environmentLock';
import { runCli } from '../support/cliRun';
import { makeTempProject, type TempProject } from '../support/tempProject';
import type { DualEnvConfig, Environment } from '../../src/core/config';
import { ensureRemoteHalf, projectContainers, startRemoteServer, type EnvironmentName, type RemoteServer } from '../rig';

/**
 * A copy of the reference project whose production (or each of `environments`) runs on
 * the remote server (`dockerHost: ssh://dual-env-remote`), as a user's project with a
 * server would say; the others stay on the local engine.
 */
export function remoteProject(server: RemoteServer, dockerHost = server.dockerHost, environments: readonly EnvironmentName[] = ['production']): TempProject {
  return projectOnHosts(Object.fromEntries(environments.map((environment) => [environment, dockerHost])));
}

/** The rig's remote server with production's half up on it, and a fresh project whose production runs there. */
export async function remoteProduction(): Promise<{ server: RemoteServer; project: TempProject; config: DualEnvConfig; production: Environment }> {
  const server = await startRemoteServer();
  await ensureRemoteHalf(server, 'production');
  const project = remoteProject(server);
  const config = project.config();
  return { server, project, config, production: config.environments.find((e) => e.name === 'production')! };
}

/** A copy of the reference project with each environment named in `hosts` on that Docker host; the others on the local engine. */
export function projectOnHosts(hosts: Partial<Record<EnvironmentName, string>>): TempProject {
  const project = makeTempProject('main');
  let text = project.read('docker-compose-dual-env.yml');
  for (const [name, dockerHost] of Object.entries(hosts)) {
    const marker = `    ${name}:\n      label: ${name[0].toUpperCase()}${name.slice(1)}\n`;
    if (!text.includes(marker)) throw new Error(`the reference compose file no longer declares ${name} as the remote tests expect`);
    text = text.replace(marker, `${marker}      dockerHost: ${dockerHost}\n`);
  }
  project.write('docker-compose-dual-env.yml', text);
  return project;
}

/**
 * Runs SQL in the remote production database (or `service`'s) through the server's own socket and
 * the container's client: a path independent of the one under test, so a table
 * made here proves that what a backup read came from the server.
 */
export async function sqlOnServer(server: RemoteServer, sql: string, service = 'production-database'): Promise<string> {
  const [container] = await projectContainers(server.docker, [service]);
  if (!container) throw new Error(`${service} is not running on the remote server`);
  const exec = await server.docker.getContainer(container.Id).exec({
    Cmd: ['sh', '-c', 'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec mysql -uroot -N -B "$MYSQL_DATABASE" -e "$1"', 'sql', sql],
    AttachStdout: true, AttachStderr: true,
  });
  const stream = await exec.start({});
  const out = new PassThrough();
  const err = new PassThrough();
  server.docker.modem.demuxStream(stream, out, err);
  await new Promise((resolve) => stream.on('end', resolve));
  const { ExitCode } = await exec.inspect();
  const text = (s: PassThrough) => String(s.read() ?? '');
  if (ExitCode !== 0) throw new Error(`mysql on the server failed (exit code ${ExitCode}): ${text(err)}`);
  return text(out).trim();
}

/**
 * A previous run's state must not decide this one: the environments' locks, histories
 * and backups on the server go (through the server's own socket).
 */
export async function clearServerState(server: RemoteServer, projectName: string, environments: readonly EnvironmentName[]): Promise<void> {
  for (const environment of environments) {
    const names = serverStateNames(projectName, environment);
    for (const container of [names.lockContainer, names.stateContainer]) await server.docker.getContainer(container).remove({ force: true }).catch(() => undefined);
    for (const volume of [names.stateVolume, backupVolumeName(projectName, environment)]) await server.docker.getVolume(volume).remove().catch(() => undefined);
  }
}

/**
 * Drops every SSH connection of this process, and refuses every new one, at the first
 * progress event `when` accepts: the server stays unreachable until `reachable()`.
 */
export function cutWhen(server: RemoteServer, when: (event: ProgressEvent) => boolean): Cut {
  let restore: (() => void) | undefined;
  let cut = 0;
  return {
    onProgress: (event: ProgressEvent) => {
      if (cut > 0 || !when(event)) return;
      restore = refuseNewSshConnections(server);
      cut = cutSshConnections();
    },
    /** How many ssh processes were killed (0: the moment never came). */
    get cut() { return cut; },
    reachable: () => restore?.(),
  };
}

export interface Cut {
  onProgress: (event: ProgressEvent) => void;
  readonly cut: number;
  reachable: () => void;
}

/**
 * The failure of `operation` (given `cut.onProgress`), once the server answers again:
 * the cut came (`when` says at what moment) and the failure is one sentence.
 */
export async function failureUnderCut(t: TestContext, what: string, when: string, cut: Cut, operation: Promise<unknown>): Promise<Error> {
  const error = await operation.then(() => undefined, (e: unknown) => e).finally(cut.reachable);
  assert.ok(cut.cut > 0, `ssh connections were cut ${when}`);
  assert.ok(error instanceof Error, `the ${what} failed, not ${String(error)}`);
  t.diagnostic(`the cut ${what} ended with: ${error.message}`);
  assert.doesNotMatch(error.message, /\n/);
  return error;
}

/**
 * What a teammate's CLI says of an operation that stopped on the server: `history` shows
 * its line (`what`, as printed) unfinished at `step`; `unlock --yes` removes its lock, which
 * names `operation`, and the lock is gone.
 */
export async function stoppedThenUnlocked(project: TempProject, environment: Environment, stopped: { what: string; step: string; operation: string }): Promise<void> {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const history = await runCli(project.composeFile, 'history', environment.name);
  assert.equal(history.code, 0, history.stderr);
  assert.match(history.stdout, new RegExp(`unfinished  ${escape(stopped.what)}.*\\n\\s+no outcome recorded yet; last step entered: ${stopped.step}\\n`));
  const unlocked = await runCli(project.composeFile, 'unlock', environment.name, '--yes');
  assert.equal(unlocked.code, 0, unlocked.stderr);
  assert.match(unlocked.stdout, new RegExp(`^Removed the lock of ${environment.label} \\(${escape(stopped.operation)} by .+\\)\\.\\n$`));
  assert.equal((await environmentLockHolder(project.config(), environment)).held, false);
}

/**
 * Makes the project's backend build slow and never cached: a step no earlier build ran,
 * which prints a word of its own and pauses. Returns what tells, from an operation's
 * progress, that this step runs on the server: a cut then fails the build's own request.
 * (Cutting on the build's first line was not enough: Compose dials a new ssh per
 * connection, with the environment it started with, so the build's requests made after
 * the cut went through; and a cached build could finish before the cut.)
 */
export function slowUncachedBuild(project: TempProject, seconds = 20): (event: ProgressEvent) => boolean {
  const dockerfile = 'examples/wms/backend/Dockerfile';
  const word = `slow-build-${crypto.randomUUID()}`;
  project.write(dockerfile, `${project.read(dockerfile)}RUN echo ${word} && sleep ${seconds}\n`);
  return (event) => event.step === 'build' && Boolean(event.logLine?.includes(word));
}

/** Kills every ssh this test process runs (the rig's wrapper and OpenSSH): the engine and database connections are cut at once. */
export function cutSshConnections(): number {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' }).trim().split('\n')
    .map((line) => line.trim().split(/\s+/)).map(([pid, ppid, comm]) => ({ pid: Number(pid), ppid: Number(ppid), comm }));
  const mine = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of table) if (mine.has(p.ppid) && !mine.has(p.pid)) { mine.add(p.pid); grew = true; }
  }
  const ssh = table.filter((p) => mine.has(p.pid) && p.pid !== process.pid && p.comm === 'ssh');
  for (const p of ssh) {
    try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone already */ }
  }
  return ssh.length;
}

/**
 * From now on every new ssh to the server's alias is refused (its port closed, as a
 * server gone from the network or an sshd stopped): the rig's wrapper reads the ssh
 * config named by DUAL_ENV_RIG_SSH_CONFIG. Returns what makes the server reachable again.
 */
export function refuseNewSshConnections(server: RemoteServer): () => void {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-unreachable-'));
  const config = path.join(folder, 'ssh_config');
  // the first value ssh reads wins: this port, before the rig's own block for the alias
  fs.writeFileSync(config, `Host ${server.dockerHost.replace(/^ssh:\/\//, '')}\n  Port 2222\n\n${fs.readFileSync(server.sshConfig, 'utf8')}`);
  const previous = process.env.DUAL_ENV_RIG_SSH_CONFIG;
  process.env.DUAL_ENV_RIG_SSH_CONFIG = config;
  return () => {
    if (previous === undefined) delete process.env.DUAL_ENV_RIG_SSH_CONFIG;
    else process.env.DUAL_ENV_RIG_SSH_CONFIG = previous;
    fs.rmSync(folder, { recursive: true, force: true });
  };
}
