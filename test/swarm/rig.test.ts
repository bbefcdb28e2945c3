// The rig's swarm itself: three nodes on engines of their own, node 1 the manager,
// reached over ssh:// as a user reaches a cluster; no node has a route out; the
// registry the nodes pull from holds the tests' image; a second start reuses it all,
// and a swarm whose engines all died is what rig:clear-leftovers removes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { SWARM_WEB_IMAGE, managerDocker, startSwarm, type Swarm } from '../rig';
import { ensureSwarm, removeStaleSwarms } from '../rig/swarm';
import { ensureEngine } from '../rig/engine';

describe('the rig\'s 3-node swarm', { timeout: 300_000 }, () => {
  let swarm: Swarm;
  before(async () => { swarm = await startSwarm(); });

  it('has one manager and two workers, all ready, each its own engine, seen over ssh://', () => {
    const nodes = managerDocker(swarm, ['node', 'ls', '--format', '{{.Hostname}} {{.Status}} {{.ManagerStatus}}']).trim().split('\n').map((line) => line.trim()).sort();
    assert.deepEqual(nodes, ['dual-env-swarm-1 Ready Leader', 'dual-env-swarm-2 Ready', 'dual-env-swarm-3 Ready']);
    const ids = swarm.names.nodes.map((node) => {
      const run = spawnSync('docker', ['info', '--format', '{{.ID}} {{.Swarm.LocalNodeState}}'], { encoding: 'utf8', env: { ...swarm.env, DOCKER_HOST: `ssh://${node.alias}` } });
      assert.equal(run.status, 0, run.stderr);
      return run.stdout.trim();
    });
    assert.equal(new Set(ids).size, 3, ids.join(', '));
    assert.ok(ids.every((id) => id.endsWith(' active')), ids.join(', '));
  });

  it('gives no node a route out of the rig', () => {
    for (const node of swarm.names.nodes) {
      const routes = spawnSync('ip', ['-n', node.netns, 'route', 'show'], { encoding: 'utf8' }).stdout;
      assert.doesNotMatch(routes, /^default/m, `${node.alias}: ${routes}`);
    }
  });

  it('serves the tests\' image from the rig\'s registry', async () => {
    const [repository, tag] = SWARM_WEB_IMAGE.split(':');
    const answer = await fetch(`http://${swarm.names.registry}/v2/${repository}/tags/list`);
    assert.equal(answer.status, 200);
    assert.deepEqual(((await answer.json()) as { tags: string[] }).tags, [tag]);
  });

  it('reuses what runs on a second start: same engines, same swarm', async () => {
    const pids = swarm.names.nodes.map((node) => fs.readFileSync(path.join(node.dir, 'docker.pid'), 'utf8').trim());
    const clusterId = (await swarm.manager.docker.swarmInspect() as { ID: string }).ID;
    const again = await ensureSwarm(await ensureEngine(() => undefined), () => undefined);
    assert.deepEqual(again.names.nodes.map((node) => fs.readFileSync(path.join(node.dir, 'docker.pid'), 'utf8').trim()), pids);
    assert.equal((await again.manager.docker.swarmInspect() as { ID: string }).ID, clusterId);
  });

  it('is removed by rig:clear-leftovers once its engines are dead, registry, namespaces and folder included', async () => {
    const pids = swarm.names.nodes.map((node) => Number(fs.readFileSync(path.join(node.dir, 'docker.pid'), 'utf8').trim()));
    const alive = (pid: number) => { try { return process.kill(pid, 0); } catch { return false; } };
    removeStaleSwarms(() => undefined);
    assert.ok(fs.existsSync(swarm.names.dir), 'a running swarm is not stale');
    for (const pid of pids) process.kill(pid, 'SIGTERM');
    while (pids.some(alive)) await new Promise((resolve) => setTimeout(resolve, 200));
    const registryPid = Number(fs.readFileSync(path.join(swarm.names.dir, 'registry.pid'), 'utf8').trim());
    const removed: string[] = [];
    removeStaleSwarms((line) => removed.push(line));
    assert.deepEqual(removed, [`removed the stale swarm ${path.basename(swarm.names.dir)}`]);
    assert.equal(fs.existsSync(swarm.names.dir), false);
    assert.equal(alive(registryPid), false, 'the registry is stopped');
    const namespaces = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    for (const netns of [swarm.names.switchNetns, ...swarm.names.nodes.map((n) => n.netns)]) assert.doesNotMatch(namespaces, new RegExp(`^${netns}\\b`, 'm'));
    assert.equal(spawnSync('ip', ['link', 'show', swarm.names.rootVeth]).status, 1, 'the client\'s veth is gone');
  });
});
