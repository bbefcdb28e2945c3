// A staging deploy to a server whose SSH connections drop mid-build, and which stays
// unreachable until the deploy has given up: one sentence says staging runs what it ran
// and that the lock stays; on the server, once it answers, staging still runs the
// containers it ran, the lock names the deploy, the history says it stopped at the
// build, and `dual-env unlock` is the way out.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ProgressEvent } from '../../src/core/common/progress';
import { remediesOf } from '../../src/core/common/remedies';
import type { DualEnvConfig, Environment } from '../../src/core/config';
import { dockerClientFor } from '../../src/core/docker/client';
import { databaseBackups } from '../../src/core/operations/databaseBackups';
import { deployStaging } from '../../src/core/operations/deployStaging';
import { readEnvironmentHistory } from '../../src/core/operations/environmentHistory';
import { environmentLockHolder } from '../../src/core/operations/environmentLock';
import { compose, ensureRemoteHalf, projectContainers, removeRemoteHalf, servicesOf, startRemoteServer, type RemoteServer } from '../rig';
import type { TempProject } from '../support/tempProject';
import { clearServerState, cutWhen, failureUnderCut, remoteProject, slowUncachedBuild, stoppedThenUnlocked } from './helpers';

const never = () => new AbortController().signal;

describe('a staging deploy cut mid-build on the server', () => {
  let server: RemoteServer;
  let project: TempProject;
  let config: DualEnvConfig;
  let staging: Environment;
  let slowStepRuns: (event: ProgressEvent) => boolean;

  /** What staging runs, read through the server's own socket: service → container id, image and state. */
  const running = async () => Object.fromEntries((await projectContainers(server.docker, servicesOf('staging'))).map((c) =>
    [c.Labels['com.docker.compose.service'], `${c.Id} ${c.ImageID} ${c.State}`]));

  before(async () => {
    server = await startRemoteServer();
    await ensureRemoteHalf(server, 'staging');
    project = remoteProject(server, server.dockerHost, ['staging']);
    // the build must still run when the connections are cut: in a slow step, uncached
    slowStepRuns = slowUncachedBuild(project);
    project.git('commit', '--quiet', '--all', '-m', 'staging runs on the server, its build slow');
    config = project.config();
    staging = config.environments.find((e) => e.name === 'staging')!;
    // a previous run's lock and history must not decide this one
    await clearServerState(server, config.projectName, ['staging']);
  });
  after(async () => {
    // the other remote suites find no staging on the server
    if (server) await removeRemoteHalf(server, 'staging').catch(() => undefined);
    project?.remove();
  });

  it('ends in one sentence; staging runs what it ran, the lock names the deploy, the history stops at build', async (t) => {
    const before = await running();
    assert.equal(Object.keys(before).length, servicesOf('staging').length, 'staging runs on the server before the deploy');
    // Compose builds on the server, in the slow step: drop every connection, and let no new one through
    const cut = cutWhen(server, slowStepRuns);
    const error = await failureUnderCut(t, 'deploy', 'while Compose built', cut, deployStaging(
      { config, docker: dockerClientFor(staging), compose: await compose(), backups: databaseBackups(config) },
      { healthTimeoutSeconds: 180 },
      never(),
      cut.onProgress,
    ));
    assert.match(error.message, /^Building staging-frontend, staging-backend failed: Compose lost its connection to the Docker engine at ssh:\/\/dual-env-remote /);
    assert.match(error.message, /; Staging still runs what it ran \(nothing was replaced\), but this staging deploy's lock stays on ssh:\/\/dual-env-remote and its history line says it stopped at step build: once the server answers, check Staging and remove the lock\.$/);
    assert.deepEqual(remediesOf(error).filter((r) => r.kind === 'unlock'), [{ kind: 'unlock', environment: 'staging' }]);

    // the server answers again: staging runs the very containers it ran
    assert.deepEqual(await running(), before);
    const { holder } = await environmentLockHolder(config, staging);
    assert.equal(holder?.operation, 'staging deploy of main');
    assert.equal(holder?.pid, process.pid);
    const [last, ...more] = (await readEnvironmentHistory(config, staging)).reverse();
    assert.equal(more.length, 0, 'one line for the one deploy');
    assert.equal(last?.outcome, 'unfinished', JSON.stringify(last));
    assert.equal(last.step, 'build');
    assert.equal(last.commit, project.git('rev-parse', 'HEAD').trim());
    assert.equal(last.dirty, false);

    // a teammate's CLI shows where it stopped, names the lock, and removes it once confirmed
    await stoppedThenUnlocked(project, staging, { what: `deploy main @ ${last.commit!.slice(0, 7)} `, step: 'build', operation: 'staging deploy of main' });
  });
});
