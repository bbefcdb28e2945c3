// The engine's Docker calls over ssh:// share one SSH connection instead of a
// handshake each; a connection that dies (the server drops it, or its ssh is killed)
// is noticed and the next call opens a new one; the event stream and exec's hijacked
// stream still work; an idle connection never keeps the process alive. Connections
// are counted on the server's side, in its sshd log.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Agent } from 'node:http';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { modemOptions } from '../../src/core/docker/client';
import { inspectContainers } from '../../src/core/docker/discovery';
import { openContainerEvents } from '../../src/core/docker/eventStream';
import { BASE_IMAGE } from '../rig/paths';
import { startRemoteServer, type RemoteServer } from '../rig';
import { childrenOf, sshdSessionPids, sshLoginsOnServer, waitUntil } from './sshSessions';

const LABEL = 'dual-env.test.engine-connection';

/** This process's ssh children that carry an engine connection. */
function engineSshPids(): number[] {
  return childrenOf(process.pid).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dial-stdio');
    } catch {
      return false; // gone meanwhile
    }
  });
}

const alive = (pid: number) => fs.existsSync(path.join('/proc', String(pid)));
/** Child processes and pipes that keep this process alive (its own stdio to the test runner included). */
const heldChildren = () => process.getActiveResourcesInfo().filter((r) => r === 'ProcessWrap' || r === 'PipeWrap').length;

describe('the engine\'s connection to an ssh:// server', () => {
  let server: RemoteServer;
  let docker: Docker;
  let containerId: string;
  let heldBefore: number;

  before(async () => {
    server = await startRemoteServer();
    heldBefore = heldChildren();
    // a client of its own (not the cached one), so that this file's counts start from nothing
    docker = new Docker(modemOptions(server.dockerHost, process.env));
    for (const old of await server.docker.listContainers({ all: true, filters: { label: [LABEL] } })) await server.docker.getContainer(old.Id).remove({ force: true });
    const container = await server.docker.createContainer({ Image: BASE_IMAGE, Cmd: ['sleep', 'infinity'], Labels: { [LABEL]: '1' }, HostConfig: { NetworkMode: 'none' } });
    await container.start();
    containerId = container.id;
  });
  after(async () => {
    await server.docker.getContainer(containerId).remove({ force: true }).catch(() => undefined);
  });

  it('twenty calls in a row log in to the server once', async () => {
    const before = sshLoginsOnServer(server);
    for (let i = 0; i < 20; i++) {
      await docker.ping();
      await docker.getContainer(containerId).inspect();
    }
    assert.equal(sshLoginsOnServer(server) - before, 1);
    assert.equal(engineSshPids().length, 1);
  });

  it('a burst of inspects (a first status load) logs in at most twice, not once per parallel call', async () => {
    // a client of its own again: no pooled connection to start from
    const fresh = new Docker(modemOptions(server.dockerHost, process.env));
    const before = sshLoginsOnServer(server);
    const inspected = await inspectContainers(fresh, Array.from({ length: 12 }, () => containerId));
    const logins = sshLoginsOnServer(server) - before;
    // its idle connections go, so that the next tests count this file's client alone
    (fresh.modem as unknown as { agent: Agent }).agent.destroy();
    await waitUntil(() => engineSshPids().length <= 1);
    assert.equal(inspected.get(containerId)?.containerId, containerId);
    assert.ok(logins >= 1 && logins <= 2, `${logins} logins for 12 inspects`);
  });

  it('an idle connection does not keep the process alive', async () => {
    await docker.ping();
    assert.equal(heldChildren(), heldBefore, 'the idle ssh child or its pipes are still referenced');
    assert.equal(engineSshPids().length, 1);
  });

  for (const how of ['the server drops it', 'its ssh is killed'] as const) {
    it(`a connection that dies while idle (${how}) is noticed, and the next call logs in again`, async () => {
      await docker.ping();
      const [ssh] = engineSshPids();
      assert.ok(ssh, 'no pooled ssh process');
      const sessionsBefore = sshdSessionPids(server);
      assert.ok(sessionsBefore.length > 0, 'no sshd session on the server');
      if (how === 'the server drops it') for (const pid of sessionsBefore) process.kill(pid, 'SIGTERM');
      else process.kill(ssh, 'SIGKILL');
      await waitUntil(() => !alive(ssh));
      await waitUntil(() => engineSshPids().length === 0);

      const before = sshLoginsOnServer(server);
      assert.equal((await docker.getContainer(containerId).inspect()).Id, containerId);
      assert.equal(sshLoginsOnServer(server) - before, 1);
    });
  }

  it('the event stream and exec\'s hijacked stream each get their own connection, and calls still share one', async () => {
    const abort = new AbortController();
    const events: string[] = [];
    const subscription = await openContainerEvents(docker, [LABEL], ['die', 'start'], (e) => events.push(e.Action ?? ''), abort.signal);
    try {
      // exec: its connection is upgraded and leaves the pool
      const exec = await docker.getContainer(containerId).exec({ Cmd: ['echo', 'through ssh'], AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false });
      const out = new PassThrough();
      docker.modem.demuxStream(stream, out, new PassThrough());
      await new Promise((resolve) => stream.on('end', resolve));
      assert.equal(String(out.read()).trim(), 'through ssh');

      // a restart on the server arrives through the stream that was open all along
      await server.docker.getContainer(containerId).restart({ t: 0 });
      await waitUntil(() => events.includes('start'));
      assert.ok(events.includes('die'));

      const before = sshLoginsOnServer(server);
      for (let i = 0; i < 5; i++) await docker.ping();
      assert.ok(sshLoginsOnServer(server) - before <= 1, 'calls beside an open event stream did not share a connection');
    } finally {
      abort.abort();
      await subscription.ended;
    }
  });

  it('an event stream whose connection the server drops ends, and the next stream opens a new one', async () => {
    const abort = new AbortController();
    const subscription = await openContainerEvents(docker, [LABEL], ['start'], () => undefined, abort.signal);
    const outcome = subscription.ended.then(() => 'ended', (error: Error) => `failed: ${error.message}`);
    for (const pid of sshdSessionPids(server)) process.kill(pid, 'SIGTERM');
    assert.match(await outcome, /^(ended|failed: .+)$/);

    const events: string[] = [];
    const again = await openContainerEvents(docker, [LABEL], ['start'], (e) => events.push(e.Action ?? ''), abort.signal);
    await server.docker.getContainer(containerId).restart({ t: 0 });
    await waitUntil(() => events.includes('start'));
    abort.abort();
    await again.ended;
  });
});
