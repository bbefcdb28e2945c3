// A production deploy to a server whose SSH connections drop mid-build, and which
// stays unreachable until the deploy has given up: one sentence says what production
// runs and that the lock stays; on the server, once it answers, production still runs
// the containers it ran, the lock names the deploy, the history says where it stopped,
// and `dual-env unlock` is the way out.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ProgressEvent } from '../../src/core/common/progress';
import { remediesOf } from '../../src/core/common/remedies';
import type { DualEnvConfig, Environment } from '../../src/core/config';
import { dockerClientFor } from '../../src/core/docker/client';
import { serverStateNames } from '../../src/core/docker/serverState';
import { databaseBackups } from '../../src/core/operations/databaseBackups';
import { deployProduction } from '../../src/core/operations/deployProduction';
import { readEnvironmentHistory } from '../../src/core/operations/environmentHistory';
import { environmentLockHolder } from '../../src/core/operations/environmentLock';
import { compose, DATABASE_SERVERS, ensureRemoteHalf, projectContainers, servicesOf, stackServer, startRemoteServer, startRig, type RemoteServer } from '../rig';
import type { TempProject } from '../support/tempProject';
import { cutWhen, failureUnderCut, remoteProject, slowUncachedBuild, stoppedThenUnlocked } from './helpers';

const BRANCH = 'stable/prisma-mysql-cut';
const never = () => new AbortController().signal;

describe(`a production deploy cut mid-build on the server (${DATABASE_SERVERS[stackServer].label})`, () => {
  let server: RemoteServer;
  let project: TempProject;
  let config: DualEnvConfig;
  let production: Environment;
  let slowStepRuns: (event: ProgressEvent) => boolean;

  /** What production runs, read through the server's own socket: service → container id, image, state and health. */
  const running = async () => Object.fromEntries(await Promise.all((await projectContainers(server.docker, servicesOf('production'))).map(async (c) => {
    const inspected = await server.docker.getContainer(c.Id).inspect();
    return [c.Labels['com.docker.compose.service'], `${c.Id} ${c.ImageID} ${inspected.State.Status} ${inspected.State.Health?.Status ?? 'no healthcheck'}`];
  })));

  before(async () => {
    server = await startRemoteServer();
    await ensureRemoteHalf(server, 'production');
    // staging runs on this machine, where the pre-production checklist requests it
    await startRig(['staging']);
    project = remoteProject(server);
    project.git('checkout', '--quiet', '-b', BRANCH);
    // the build must still run when the connections are cut: in a slow step, uncached
    slowStepRuns = slowUncachedBuild(project);
    project.git('commit', '--quiet', '--all', '-m', 'production runs on the server, its build slow');
    config = project.config();
    production = config.environments.find((e) => e.name === 'production')!;
    // a previous run's lock and history must not decide this one
    const names = serverStateNames(config.projectName, 'production');
    for (const container of [names.lockContainer, names.stateContainer]) await server.docker.getContainer(container).remove({ force: true }).catch(() => undefined);
    await server.docker.getVolume(names.stateVolume).remove().catch(() => undefined);
  });
  after(() => project?.remove());

  it('ends in one sentence; production runs what it ran, the lock names the deploy, the history stops at build', async (t) => {
    const before = await running();
    // Compose builds on the server, in the slow step: drop every connection, and let no new one through
    const cut = cutWhen(server, slowStepRuns);
    const error = await failureUnderCut(t, 'deploy', 'while Compose built', cut, deployProduction(
      { config, docker: dockerClientFor(production), compose: await compose(), backups: databaseBackups(config) },
      { confirm: async () => true, stagingFirst: 'ask', healthTimeoutSeconds: 180 },
      never(),
      cut.onProgress,
    ));
    assert.match(error.message, /^Building production-frontend, production-backend failed: Compose lost its connection to the Docker engine at ssh:\/\/dual-env-remote /);
    assert.doesNotMatch(error.message, /is gone from the Docker host/, 'an engine that does not answer says nothing about the previous images');
    assert.match(error.message, /; Production still runs what it ran \(nothing was replaced\), but this deploy's lock stays on ssh:\/\/dual-env-remote and its history line says it stopped at step build: once the server answers, check Production and remove the lock\.$/);
    assert.ok(remediesOf(error).some((r) => r.kind === 'unlock' && r.environment === 'production'), JSON.stringify(remediesOf(error)));

    // the server answers again: production runs the very containers it ran, healthy
    assert.deepEqual(await running(), before);
    const { holder } = await environmentLockHolder(config, production);
    assert.equal(holder?.operation, `deploy of ${BRANCH}`);
    assert.equal(holder?.pid, process.pid);
    const [last] = (await readEnvironmentHistory(config, production)).slice(-1);
    assert.equal(last?.outcome, 'unfinished', JSON.stringify(last));
    assert.equal(last.step, 'build');
    assert.match(last.tag ?? '', /^production-/);
    assert.ok(last.backupId, 'the line names the backup taken before the build');

    // a teammate's CLI shows where it stopped, names the lock, and removes it once confirmed
    await stoppedThenUnlocked(project, production, { what: `deploy ${BRANCH} `, step: 'build', operation: `deploy of ${BRANCH}` });
  });
});
