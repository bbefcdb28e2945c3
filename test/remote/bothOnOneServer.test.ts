// Staging and production both on one server: the isolation check treats two spellings
// of the server as one machine, and the two environments stay apart there: their own
// containers, locks, histories and backup volume, a rollback that changes production only.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkIsolation, type DualEnvConfig, type Environment } from '../../src/core/config';
import { backupVolumeName } from '../../src/core/database';
import { dockerClientFor } from '../../src/core/docker/client';
import type { EnvironmentStatus } from '../../src/core/docker/discovery';
import { serverStateNames } from '../../src/core/docker/serverState';
import type { DatabaseBackups } from '../../src/core/operations/backupPort';
import { backupPlaceOf } from '../../src/core/operations/backupPlaceOf';
import { databaseBackups } from '../../src/core/operations/databaseBackups';
import { deployProduction } from '../../src/core/operations/deployProduction';
import { deployStaging } from '../../src/core/operations/deployStaging';
import { readEnvironmentHistory } from '../../src/core/operations/environmentHistory';
import { acquireEnvironmentLock } from '../../src/core/operations/environmentLock';
import type { OperationDeps } from '../../src/core/operations/operationContext';
import { rollbackProduction } from '../../src/core/operations/rollbackProduction';
import { DATABASE_SERVERS, compose, ensureRemoteHalf, projectContainers, removeRemoteHalf, stackServer, startRemoteServer, type RemoteServer } from '../rig';
import { runCli } from '../support/cliRun';
import type { TempProject } from '../support/tempProject';
import { clearServerState, projectOnHosts, sqlOnServer } from './helpers';

const BRANCH = 'stable/prisma-mysql-team';
const never = () => new AbortController().signal;

describe(`staging and production on one server (${DATABASE_SERVERS[stackServer].label})`, () => {
  let server: RemoteServer;
  let project: TempProject;
  let config: DualEnvConfig;
  let staging: Environment;
  let production: Environment;
  const marker = `oneserver_${crypto.randomBytes(4).toString('hex')}`;
  const depsOf = async (environment: Environment, backups: DatabaseBackups = databaseBackups(config)): Promise<OperationDeps> =>
    ({ config, docker: dockerClientFor(environment), compose: await compose(), backups });

  before(async () => {
    server = await startRemoteServer();
    await ensureRemoteHalf(server, 'production');
    await ensureRemoteHalf(server, 'staging');
    // the same server spelled two ways: the isolation check must see one machine
    project = projectOnHosts({ staging: `ssh://root@${server.dockerHost.slice('ssh://'.length)}:22`, production: server.dockerHost });
    project.git('checkout', '--quiet', '-b', BRANCH);
    project.git('commit', '--quiet', '--all', '-m', 'staging and production run on one server');
    config = project.config();
    [staging, production] = ['staging', 'production'].map((name) => config.environments.find((e) => e.name === name)!);
    await clearServerState(server, config.projectName, ['staging', 'production']);
  });
  after(async () => {
    await sqlOnServer(server, `DROP TABLE IF EXISTS ${marker}`).catch(() => undefined);
    // the other remote tests find the server as they expect it: production only
    if (server) await removeRemoteHalf(server, 'staging');
    project?.remove();
  });

  it('status reads both environments from the server, and the isolation check finds what it finds on one engine', async () => {
    const result = await runCli(project.composeFile, 'status', '--json');
    assert.equal(result.code, 0, result.stderr);
    const status = JSON.parse(result.stdout) as { environments: EnvironmentStatus[]; isolation: unknown[] };
    for (const name of ['staging', 'production']) {
      const environment = status.environments.find((e) => e.environment === name)!;
      assert.equal(environment.health, 'healthy', `${name}: ${environment.reason}`);
      const onServer = (await projectContainers(server.docker, config.environments.find((e) => e.name === name)!.services)).map((c) => c.Id).sort();
      assert.deepEqual(environment.containers.map((c) => c.containerId).sort(), onServer, `${name}'s containers are the server's`);
    }
    // two dockerHost spellings of one server are one machine: the same findings as both on this machine
    const local = { ...config, environments: config.environments.map((e) => ({ ...e, dockerHost: undefined })) };
    assert.deepEqual(status.isolation, checkIsolation(local, {}));
    assert.deepEqual(checkIsolation(config, {}), checkIsolation(local, {}));
  });

  it('deploys staging on the server, into staging\'s history only', async () => {
    const result = await deployStaging(await depsOf(staging), { healthTimeoutSeconds: 180 }, never());
    assert.equal(result.commit, project.git('rev-parse', 'HEAD').trim());
    const lines = await readEnvironmentHistory(config, staging);
    assert.deepEqual(lines.map((l) => [l.operation, l.outcome, l.commit]), [['deploy', 'succeeded', result.commit]]);
    assert.deepEqual(await readEnvironmentHistory(config, production), [], 'production\'s history on the same server is its own');
    assert.equal(fs.existsSync(path.join(project.dir, '.dual-env')), false, 'nothing of either environment\'s state is in the checkout');
  });

  it('deploys production after staging, each holding its own lock, with the backup in production\'s volume on the server', async () => {
    const real = databaseBackups(config);
    const locks: string[] = [];
    // while production's deploy holds its lock (at its backup), staging's is free: two locks, not one
    const probing: DatabaseBackups = {
      ...real,
      create: async (...args) => {
        const stagingLock = await acquireEnvironmentLock(config, staging, 'a test beside a production deploy');
        const lockNames = (await server.docker.listContainers({ all: true, filters: { name: ['dual-env-lock.'] } })).flatMap((c) => c.Names);
        locks.push(...lockNames.map((n) => n.replace(/^\//, '')).filter((n) => n.includes(`.${config.projectName}.`)));
        await stagingLock.release();
        return real.create(...args);
      },
    };
    const result = await deployProduction(await depsOf(production, probing), { confirm: async () => true, stagingFirst: 'ask', healthTimeoutSeconds: 180 }, never());
    assert.equal(result.outcome, 'succeeded', result.error);
    assert.deepEqual(locks.sort(), [serverStateNames(config.projectName, 'production').lockContainer, serverStateNames(config.projectName, 'staging').lockContainer].sort());

    const backupId = result.backup!.id;
    assert.ok((await backupPlaceOf(config, production).list()).some((b) => b.id === backupId && b.verified), `production's volume on the server holds ${backupId}`);
    assert.ok((await server.docker.listVolumes()).Volumes.some((v) => v.Name === backupVolumeName(config.projectName, 'production')));
    // the deploy lists every environment's backups (for the rollback tags it keeps), which may leave staging's volume, empty
    assert.deepEqual(await backupPlaceOf(config, staging).list(), [], 'staging has no backup: a production deploy backs up production only');
    assert.equal(fs.existsSync(production.backups.folder), false, 'nothing of the backup is on this machine');

    const productionLines = await readEnvironmentHistory(config, production);
    assert.deepEqual(productionLines.map((l) => [l.operation, l.outcome, l.backupId]), [['deploy', 'succeeded', backupId]]);
    assert.equal((await readEnvironmentHistory(config, staging)).length, 1, 'staging\'s history still holds only its own deploy');
  });

  it('rolls production back on the server, leaving staging as it was', async () => {
    await sqlOnServer(server, `CREATE TABLE ${marker} (id INT PRIMARY KEY)`);
    await sqlOnServer(server, `CREATE TABLE ${marker} (id INT PRIMARY KEY)`, 'staging-database');
    const stagingBefore = (await projectContainers(server.docker, staging.services)).map((c) => `${c.Id} ${c.State}`).sort();

    const result = await rollbackProduction(await depsOf(production), { confirm: async () => true, healthTimeoutSeconds: 180 }, never());
    assert.equal(result.outcome, 'succeeded');
    // the deploy's backup predates the table: production lost it, staging's database (same server, same port space) kept it
    assert.equal(await sqlOnServer(server, `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '${marker}'`), '0');
    assert.equal(await sqlOnServer(server, `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '${marker}'`, 'staging-database'), '1');
    assert.deepEqual((await projectContainers(server.docker, staging.services)).map((c) => `${c.Id} ${c.State}`).sort(), stagingBefore, 'staging\'s containers were not touched');

    assert.deepEqual((await readEnvironmentHistory(config, production)).map((l) => l.operation), ['deploy', 'rollback']);
    assert.deepEqual((await readEnvironmentHistory(config, staging)).map((l) => l.operation), ['deploy']);
    assert.ok((await backupPlaceOf(config, production).list()).some((b) => b.id === result.safetyBackup?.id), 'the safety backup is in production\'s volume');
    await sqlOnServer(server, `DROP TABLE IF EXISTS ${marker}`, 'staging-database');
  });
});
