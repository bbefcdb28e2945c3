// The rig's remote server as a user's production server: the docker CLI, both
// Composes and the engine's status read its containers over ssh://, through the
// rig's ssh wrapper (its own key, known_hosts and alias), never its socket.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { loadConfig } from '../../src/core/config';
import { dockerClientFor } from '../../src/core/docker/client';
import { readEnvironmentStatus } from '../../src/core/docker/discovery';
import { projectContainers, remoteCompose, removeRemoteHalf, servicesOf, startRemoteServer, waitHealthy, type RemoteServer } from '../rig';
import { remoteProject } from './helpers';

const production = servicesOf('production');

describe('the rig\'s remote server over ssh://', () => {
  let server: RemoteServer;
  before(async () => {
    server = await startRemoteServer();
  });

  it('docker ps and docker info over ssh:// reach the server\'s own engine', () => {
    const docker = (args: string[]) => spawnSync('docker', args, { env: { ...server.env, DOCKER_HOST: server.dockerHost }, encoding: 'utf8' });
    const ps = docker(['ps', '--format', '{{.Names}}']);
    assert.equal(ps.status, 0, ps.stderr);
    const info = docker(['info', '--format', '{{.Name}} {{.DockerRootDir}}']);
    assert.equal(info.status, 0, info.stderr);
    assert.equal(info.stdout.trim(), `dual-env-remote ${server.names.dir}/docker`);
  });

  for (const compose of ['v2', 'v1'] as const) {
    it(`Compose ${compose} brings production up healthy on the server, the engine reads it over ssh, and Compose takes it down`, async () => {
      await removeRemoteHalf(server, 'production');
      await remoteCompose(server, compose, ['up', '-d', '--build', ...production]);
      await waitHealthy(server.docker, production);

      // the database is published on the server's loopback only
      const [database] = await projectContainers(server.docker, ['production-database']);
      const published = database.Ports.filter((p) => p.PublicPort);
      assert.ok(published.length > 0);
      assert.deepEqual([...new Set(published.map((p) => p.IP))], ['127.0.0.1']);

      // the status as the CLI and VS Code read it: over ssh://, the containers the server runs
      const project = remoteProject(server);
      try {
        const config = loadConfig(project.composeFile, { env: {} });
        const environment = config.environments.find((e) => e.name === 'production')!;
        assert.equal(environment.dockerHost, server.dockerHost);
        const status = await readEnvironmentStatus(dockerClientFor(environment), config, environment);
        assert.equal(status.health, 'healthy');
        const onServer = new Set((await projectContainers(server.docker, production)).map((c) => c.Id));
        assert.deepEqual(new Set(status.containers.map((c) => c.containerId)), onServer);
      } finally {
        project.remove();
      }

      await remoteCompose(server, compose, ['rm', '--stop', '--force', ...production]);
      assert.deepEqual(await projectContainers(server.docker, production), []);
    });
  }
});
