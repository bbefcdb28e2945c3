// A staging that runs on a server, deployed and read with the `dual-env` CLI as a user
// runs it, with each Compose the product drives: v2 (the plugin) and v1 (docker-compose,
// which reaches ssh:// through paramiko). The containers are the server's, made by that
// Compose; status and history are read over SSH.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { DualEnvConfig, Environment } from '../../src/core/config';
import { serverStateNames } from '../../src/core/docker/serverState';
import { readEnvironmentHistory } from '../../src/core/operations/environmentHistory';
import { projectContainers, removeRemoteHalf, repoRoot, servicesOf, startRemoteServer, type RemoteServer } from '../rig';
import { CLI_SOURCE, type CliResult } from '../support/cliRun';
import type { TempProject } from '../support/tempProject';
import { remoteProject } from './helpers';

/** The CLI in the project, with DUAL_ENV_COMPOSE picking the Compose (the rig's ssh first in PATH). */
function cli(project: TempProject, compose: 'v1' | 'v2', args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_SOURCE, '--file', project.composeFile, ...args], {
      cwd: repoRoot, env: { ...process.env, DUAL_ENV_COMPOSE: compose }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface StatusJson {
  environments: { environment: string; health: string; containers: { service: string; containerId?: string }[] }[];
}

describe('a staging on the server, deployed with the CLI through each Compose', () => {
  let server: RemoteServer;
  let project: TempProject;
  let config: DualEnvConfig;
  let staging: Environment;
  const services = servicesOf('staging');

  before(async () => {
    server = await startRemoteServer();
    project = remoteProject(server, server.dockerHost, ['staging', 'production']);
    config = project.config();
    staging = config.environments.find((e) => e.name === 'staging')!;
    const names = serverStateNames(config.projectName, 'staging');
    for (const container of [names.lockContainer, names.stateContainer]) await server.docker.getContainer(container).remove({ force: true }).catch(() => undefined);
  });
  after(async () => {
    await removeRemoteHalf(server, 'staging').catch(() => undefined);
    project?.remove();
  });

  for (const compose of ['v2', 'v1'] as const) {
    it(`Compose ${compose}: \`deploy staging\` builds and starts it on the server, healthy, and \`status\` reads it there`, async () => {
      // from nothing, so every container is the one this Compose made
      await removeRemoteHalf(server, 'staging');
      const historyBefore = (await readEnvironmentHistory(config, staging)).length;

      const deployed = await cli(project, compose, ['deploy', 'staging']);
      assert.equal(deployed.code, 0, `${deployed.stdout}\n${deployed.stderr}`);
      assert.match(deployed.stderr, /Staging is healthy/);

      const onServer = await projectContainers(server.docker, services);
      assert.deepEqual(onServer.map((c) => c.Labels['com.docker.compose.service']).sort(), [...services].sort());
      for (const container of onServer) {
        assert.equal(container.State, 'running');
        // made by the Compose asked for: v1 labels its containers 1.x, v2 2.x
        assert.match(container.Labels['com.docker.compose.version'] ?? '', compose === 'v1' ? /^1\./ : /^2\./, `${container.Names[0]} was made by Compose ${compose}`);
      }

      const status = await cli(project, compose, ['status', '--json']);
      assert.equal(status.code, 0, status.stderr);
      const read = (JSON.parse(status.stdout) as StatusJson).environments.find((e) => e.environment === 'staging')!;
      assert.equal(read.health, 'healthy');
      assert.deepEqual(new Set(read.containers.map((c) => c.containerId)), new Set(onServer.map((c) => c.Id)), 'status reads the server\'s containers');

      const history = await readEnvironmentHistory(config, staging);
      assert.equal(history.length, historyBefore + 1);
      assert.equal(history.at(-1)?.outcome, 'succeeded');
    });
  }
});
