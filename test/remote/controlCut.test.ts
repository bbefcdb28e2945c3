// A restart of a production service on a server that stops answering once the restart
// holds its lock: one sentence says that the lock stays and the way out; the service,
// once the server answers, runs as it ran; a start or stop writes no history line.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { remediesOf } from '../../src/core/common/remedies';
import type { DualEnvConfig, Environment } from '../../src/core/config';
import { dockerClientFor } from '../../src/core/docker/client';
import { serverStateNames } from '../../src/core/docker/serverState';
import { controlEnvironment } from '../../src/core/operations/environmentControl';
import { readEnvironmentHistory } from '../../src/core/operations/environmentHistory';
import { environmentLockHolder } from '../../src/core/operations/environmentLock';
import { compose, projectContainers, type RemoteServer } from '../rig';
import { runCli } from '../support/cliRun';
import type { TempProject } from '../support/tempProject';
import { cutWhen, failureUnderCut, remoteProduction } from './helpers';

const never = () => new AbortController().signal;

describe('a restart on a server that stops answering once it holds the lock', () => {
  let server: RemoteServer;
  let project: TempProject;
  let config: DualEnvConfig;
  let production: Environment;

  /** The frontend's container as the server's own socket sees it: id, state and when it started. */
  const frontend = async () => {
    const [container] = await projectContainers(server.docker, ['production-frontend']);
    const { State } = await server.docker.getContainer(container.Id).inspect();
    return `${container.Id} ${State.Status} ${State.StartedAt}`;
  };

  before(async () => {
    ({ server, project, config, production } = await remoteProduction());
    // a lock an earlier, failed run left must not refuse this one
    await server.docker.getContainer(serverStateNames(config.projectName, 'production').lockContainer).remove({ force: true }).catch(() => undefined);
  });
  after(() => project?.remove());

  it('ends in one sentence naming the lock that stays; the service runs as it ran; no history line', async (t) => {
    const before = await frontend();
    const historyBefore = await readEnvironmentHistory(config, production);
    // the lock is taken, Compose not yet run: drop every connection, and let no new one through
    const cut = cutWhen(server, (event) => event.step === 'restart' && event.state === 'running' && Boolean(event.message?.startsWith('Restarting')));
    const error = await failureUnderCut(t, 'restart', 'once the lock was held', cut, controlEnvironment(
      { config, docker: dockerClientFor(production), compose: await compose() },
      { environment: 'production', action: 'restart', service: 'production-frontend', healthTimeoutSeconds: 60 },
      never(),
      cut.onProgress,
    ));
    assert.match(error.message, /^Restarting production-frontend failed: Compose (lost its connection to|could not reach) the Docker engine/);
    assert.match(error.message, /; this restart's lock stays on ssh:\/\/dual-env-remote: once the server answers, check Production and remove the lock\.$/);
    assert.deepEqual(remediesOf(error).filter((r) => r.kind === 'unlock'), [{ kind: 'unlock', environment: 'production' }]);

    assert.equal(await frontend(), before, 'the frontend was not restarted');
    assert.deepEqual(await readEnvironmentHistory(config, production), historyBefore, 'a restart writes no history line');
    const { holder } = await environmentLockHolder(config, production);
    assert.equal(holder?.operation, 'restart of production-frontend');
    const unlocked = await runCli(project.composeFile, 'unlock', 'production', '--yes');
    assert.equal(unlocked.code, 0, unlocked.stderr);
    assert.equal((await environmentLockHolder(config, production)).held, false);
  });
});
