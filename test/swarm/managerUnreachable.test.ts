// A Swarm environment whose manager does not answer (its ssh port closed, the
// connections open so far cut, as a manager gone from the network): status, logs
// and the live status each end in one sentence naming the manager's host, with no
// stack trace; following logs and the live status come back when it answers again.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import type { DualEnvConfig } from '../../src/core/config';
import { dockerClientFor } from '../../src/core/docker/client';
import { followLogs } from '../../src/core/docker/logFollower';
import { createStatusMonitor, type StatusMonitor } from '../../src/core/docker/statusMonitor';
import { managerDocker, startSwarm, type Swarm } from '../rig';
import { snapshotWhere } from '../integration/status/helpers';
import { cutSshConnections, refuseNewSshConnections } from '../remote/helpers';
import { runCli } from '../support/cliRun';
import { LOGS_PROJECT, LOGS_STACK, collectLines, deployLoggingStack } from './helpers';

const projectFile = LOGS_PROJECT;
const STACK = LOGS_STACK;
const MANAGER_DOWN = 'Nothing accepts SSH connections at dual-env-swarm-1 (connection refused); check that sshd runs there and the port is right.';

describe('a Swarm environment whose manager does not answer', { timeout: 300_000 }, () => {
  let swarm: Swarm;
  let config: DualEnvConfig;
  let monitor: StatusMonitor | undefined;
  let reachable: (() => void) | undefined;

  /** The manager stops answering: new ssh connections refused, those open cut. The workers stay reachable. */
  const cutManager = () => {
    // the last node's ssh config reaches every alias: only the manager's port is changed
    reachable = refuseNewSshConnections({ ...swarm.manager, sshConfig: swarm.nodes[swarm.nodes.length - 1].sshConfig });
    cutSshConnections();
  };
  const restoreManager = () => {
    reachable?.();
    reachable = undefined;
  };

  before(async () => {
    swarm = await startSwarm();
    config = deployLoggingStack(swarm);
  });
  after(() => {
    restoreManager();
    monitor?.dispose();
    managerDocker(swarm, ['stack', 'rm', STACK]);
  });

  it('says so in one sentence in `dual-env status` and `dual-env logs`', async () => {
    cutManager();
    try {
      for (const args of [['status'], ['logs', 'production']]) {
        const result = await runCli(projectFile, ...args);
        assert.equal(result.code, 1, `${args.join(' ')}: ${result.stdout}`);
        assert.equal(result.stderr, `dual-env: ${MANAGER_DOWN}\n`, args.join(' '));
      }
    } finally {
      restoreManager();
    }
  });

  it('keeps following logs through the cut, says why once, and goes on once the manager answers', async () => {
    const [production] = config.environments;
    const stop = new AbortController();
    const lines = followLogs({ docker: dockerClientFor(production), projectName: config.projectName, services: ['web'], follow: true, tail: 1, signal: stop.signal, secrets: [], swarmStack: STACK });
    const { seen, first } = collectLines(lines);
    await first((line) => line.task !== undefined);

    cutManager();
    try {
      // a stream cut mid-way says the engine stopped answering; a refused reconnect, that nothing accepts ssh there
      const said = await first((line) => line.stream === 'marker');
      assert.match(said.text, /^[^\n]*\bdual-env-swarm-1\b[^\n]*\. Still following web\.$/);
    } finally {
      restoreManager();
    }
    const before = seen.length;
    await first((line) => line.stream === 'marker' && line.text === 'log stream of web reconnected');
    await first((line) => seen.indexOf(line) > before && line.task !== undefined && /response:200/.test(line.text));
    assert.equal(seen.filter((line) => line.stream === 'marker' && line.text.endsWith('Still following web.')).length, 1, 'said once');
    stop.abort();
    if (!lines.readableEnded) await once(lines, 'end');
  });

  it('shows the live status as unknown with that sentence, then healthy again from the manager\'s events', async () => {
    monitor = createStatusMonitor({ config });
    monitor.start();
    await snapshotWhere(monitor, (s) => s[0].health === 'healthy');
    cutManager();
    try {
      const [lost] = await snapshotWhere(monitor, (s) => s[0].health === 'unknown' && s[0].reason === MANAGER_DOWN);
      assert.equal(lost.swarm?.services[0].running, 2, 'what was last read stays shown beside the reason');
    } finally {
      restoreManager();
    }
    const [back] = await snapshotWhere(monitor, (s) => s[0].health === 'healthy');
    assert.equal(back.swarm?.services[0].running, 2);
  });
});
