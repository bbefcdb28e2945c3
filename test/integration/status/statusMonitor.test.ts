// Discovery and the live status monitor against the rig's real engine: the six
// containers with their health, an update from Docker's events with no polling in
// between, and recovery after the daemon restarts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readEnvironmentStatus } from '../../../src/core/docker/discovery';
import { createStatusMonitor, type StatusMonitor } from '../../../src/core/docker/statusMonitor';
import { projectContainers, servicesOf, startRig, waitHealthy, type Rig, stackLabel } from '../../rig';
import { restartEngine } from '../../rig/engine';
import { allHealthy, countingDocker, rigConfig, snapshotWhere } from './helpers';

const allServices = [...servicesOf('staging'), ...servicesOf('production')];

describe(`status of the reference stack [${stackLabel()}]`, { timeout: 600_000 }, () => {
  let rig: Rig;
  let monitor: StatusMonitor | undefined;
  before(async () => { rig = await startRig(['staging', 'production']); });
  after(async () => {
    monitor?.dispose();
    // leave the stack as the next test expects it: every service running and healthy
    for (const c of await projectContainers(rig.docker, allServices)) {
      if (c.State !== 'running') await rig.docker.getContainer(c.Id).start().catch(() => undefined);
    }
    await waitHealthy(rig.docker, allServices);
  });

  it('reads every container (production\'s edge too), healthy, with their published ports', async () => {
    const config = rigConfig();
    for (const environment of config.environments) {
      const status = await readEnvironmentStatus(rig.docker, config, environment);
      assert.equal(status.health, 'healthy', status.reason);
      assert.deepEqual(status.containers.map((c) => [c.service, c.state, c.health]), environment.services.map((s) => [s, 'running', 'healthy']));
      // production's HTTP port is its edge's, which keeps it while a deploy replaces the frontend behind it
      const published = status.containers.find((c) => c.service.endsWith(environment.isProduction ? '-edge' : '-frontend'));
      const httpPort = Number(rig.env[`${environment.name.toUpperCase()}_HTTP_PORT`]);
      assert.ok(published?.ports.some((p) => p.hostPort === httpPort && p.containerPort === 80), `${published?.service} publishes ${httpPort}`);
    }
  });

  it('sees a stopped container from the event stream, with no list call after the sync', async () => {
    const { docker, requests } = countingDocker();
    monitor = createStatusMonitor({ config: rigConfig(), dockerFor: () => docker });
    monitor.start();
    await snapshotWhere(monitor, allHealthy);
    const lists = () => requests.filter((r) => r === 'GET /containers/json').length;
    assert.equal(lists(), 1, 'one list call to sync');
    const afterSync = requests.length;

    const [backend] = await projectContainers(rig.docker, ['staging-backend']);
    const stopped = snapshotWhere(monitor, (s) => s[0].containers.some((c) => c.service === 'staging-backend' && c.state === 'exited'));
    await rig.docker.getContainer(backend.Id).stop({ t: 1 });
    const snapshot = await stopped;

    assert.equal(snapshot[0].health, 'degraded');
    assert.match(snapshot[0].reason, /staging-backend is exited/);
    assert.equal(snapshot[1].health, 'healthy');
    const since = requests.slice(afterSync);
    assert.equal(lists(), 1, `no list call between the sync and the update: ${since.join(', ')}`);
    // only the container the events named was inspected again
    assert.ok(since.length > 0 && since.every((r) => r === `GET /containers/${backend.Id}/json`), since.join(', '));

    await rig.docker.getContainer(backend.Id).start();
    await snapshotWhere(monitor, allHealthy);
    monitor.dispose();
    monitor = undefined;
  });

  it('recovers after the Docker daemon restarts and shows the right status again', async () => {
    const { docker, requests } = countingDocker();
    monitor = createStatusMonitor({ config: rigConfig(), dockerFor: () => docker, backoff: { initialMs: 100, maxMs: 1000 } });
    monitor.start();
    await snapshotWhere(monitor, allHealthy);
    const lists = () => requests.filter((r) => r === 'GET /containers/json').length;
    const listsAtSync = lists();
    const idsBefore = monitor.snapshot().flatMap((e) => e.containers.map((c) => c.containerId));

    const lost = snapshotWhere(monitor, (s) => s.every((e) => e.health === 'unknown'));
    await restartEngine();
    const whileDown = await lost;
    assert.match(whileDown[0].reason, /Docker/);

    await waitHealthy(rig.docker, allServices);
    const recovered = await snapshotWhere(monitor, allHealthy);
    assert.ok(lists() > listsAtSync, 'resynced with a list call after reconnecting');
    // the same containers, restarted by `restart: unless-stopped`
    assert.deepEqual(recovered.flatMap((e) => e.containers.map((c) => c.containerId)).sort(), [...idsBefore].sort());
    assert.ok(recovered.every((e) => e.containers.every((c) => c.state === 'running' && c.health === 'healthy')));
  });
});
