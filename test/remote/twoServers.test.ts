// Staging on one server and production on another: status reads each from its own
// server, the isolation check finds nothing the two machines could share, and a
// production deploy (checked against staging on the first server) backs up and
// records on the second server only. The second server is started by this file alone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DualEnvConfig, Environment } from '../../src/core/config';
import { backupVolumeName } from '../../src/core/database';
import { dockerClientFor } from '../../src/core/docker/client';
import type { EnvironmentStatus } from '../../src/core/docker/discovery';
import { serverStateNames } from '../../src/core/docker/serverState';
import { backupPlaceOf } from '../../src/core/operations/backupPlaceOf';
import { databaseBackups } from '../../src/core/operations/databaseBackups';
import { deployProduction } from '../../src/core/operations/deployProduction';
import { deployStaging } from '../../src/core/operations/deployStaging';
import { readEnvironmentHistory } from '../../src/core/operations/environmentHistory';
import type { OperationDeps } from '../../src/core/operations/operationContext';
import { DATABASE_SERVERS, compose, ensureRemoteHalf, projectContainers, removeRemoteHalf, stackServer, startRemoteServer, startSecondRemoteServer, type RemoteServer } from '../rig';
import { runCli } from '../support/cliRun';
import type { TempProject } from '../support/tempProject';
import { clearServerState, projectOnHosts } from './helpers';

const BRANCH = 'stable/prisma-mysql-team';
const never = () => new AbortController().signal;
const volumesOf = async (server: RemoteServer) => (await server.docker.listVolumes()).Volumes.map((v) => v.Name);
const idsOf = async (server: RemoteServer, services: readonly string[]) => (await projectContainers(server.docker, services)).map((c) => c.Id).sort();

describe(`staging on one server, production on another (${DATABASE_SERVERS[stackServer].label})`, () => {
  let first: RemoteServer;
  let second: RemoteServer;
  let project: TempProject;
  let config: DualEnvConfig;
  let staging: Environment;
  let production: Environment;
  const depsOf = async (environment: Environment): Promise<OperationDeps> =>
    ({ config, docker: dockerClientFor(environment), compose: await compose(), backups: databaseBackups(config) });

  before(async () => {
    second = await startSecondRemoteServer();
    first = await startRemoteServer();
    assert.notEqual(first.names.serverIp, second.names.serverIp);
    await ensureRemoteHalf(first, 'staging');
    await ensureRemoteHalf(second, 'production');
    project = projectOnHosts({ staging: first.dockerHost, production: second.dockerHost });
    project.git('checkout', '--quiet', '-b', BRANCH);
    project.git('commit', '--quiet', '--all', '-m', 'staging and production run on servers of their own');
    config = project.config();
    [staging, production] = ['staging', 'production'].map((name) => config.environments.find((e) => e.name === name)!);
    for (const server of [first, second]) await clearServerState(server, config.projectName, ['staging', 'production']);
  });
  after(async () => {
    // the other remote tests find the first server as they expect it: production only
    if (first) await removeRemoteHalf(first, 'staging');
    project?.remove();
  });

  it('status reads each environment from its own server, and the isolation check finds nothing two machines could share', async () => {
    const result = await runCli(project.composeFile, 'status', '--json');
    assert.equal(result.code, 0, result.stderr);
    const status = JSON.parse(result.stdout) as { environments: EnvironmentStatus[]; isolation: unknown[] };
    const of = (name: string) => status.environments.find((e) => e.environment === name)!;
    assert.equal(of('staging').health, 'healthy', of('staging').reason);
    assert.equal(of('production').health, 'healthy', of('production').reason);
    assert.deepEqual(of('staging').containers.map((c) => c.containerId).sort(), await idsOf(first, staging.services));
    assert.deepEqual(of('production').containers.map((c) => c.containerId).sort(), await idsOf(second, production.services), 'production is read from the second server');
    // the same ports, networks and loopback database addresses, on two machines
    assert.deepEqual(status.isolation, []);
  });

  it('deploys staging on the first server, into the first server\'s history', async () => {
    const result = await deployStaging(await depsOf(staging), { healthTimeoutSeconds: 180 }, never());
    assert.deepEqual((await readEnvironmentHistory(config, staging)).map((l) => [l.operation, l.outcome, l.commit]), [['deploy', 'succeeded', result.commit]]);
    assert.ok((await volumesOf(first)).includes(serverStateNames(config.projectName, 'staging').stateVolume));
    assert.ok(!(await volumesOf(second)).includes(serverStateNames(config.projectName, 'staging').stateVolume), 'nothing of staging is on the second server');
  });

  it('deploys production on the second server once staging on the first runs the commit, with its backup on the second server only', async () => {
    // the first server may run a production of other tests: this deploy must not touch it
    const productionOnFirst = await idsOf(first, production.services);
    const productionOnSecond = await idsOf(second, production.services);

    const result = await deployProduction(await depsOf(production), { confirm: async () => true, stagingFirst: 'refuse', healthTimeoutSeconds: 180 }, never());
    assert.equal(result.outcome, 'succeeded', result.error);
    const backupId = result.backup!.id;

    assert.ok((await backupPlaceOf(config, production).list()).some((b) => b.id === backupId && b.verified), `production's backups list ${backupId}`);
    const volume = backupVolumeName(config.projectName, 'production');
    assert.ok((await volumesOf(second)).includes(volume), `the second server holds ${volume}`);
    assert.ok(!(await volumesOf(first)).includes(volume), 'the first server holds no production backup');
    assert.deepEqual((await readEnvironmentHistory(config, production)).map((l) => [l.operation, l.outcome, l.backupId]), [['deploy', 'succeeded', backupId]]);
    assert.ok(!(await volumesOf(first)).includes(serverStateNames(config.projectName, 'production').stateVolume), 'production\'s history is on the second server only');

    assert.notDeepEqual(await idsOf(second, production.services), productionOnSecond, 'production was recreated on the second server');
    assert.deepEqual(await idsOf(first, production.services), productionOnFirst, 'the first server\'s containers are as they were');
  });
});
