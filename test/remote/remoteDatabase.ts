// A production database of a chosen server kind (MySQL or MariaDB) on the rig's remote
// server, whatever the stack's own runs on: the reference compose file's
// production-database service alone, under a compose project of its own, from a temp
// project whose .env names the kind's image and a port of its own on the server.
import mysql from 'mysql2/promise';
import { detectCompose, runCompose } from '../../src/core/compose/composeCommand';
import { databaseCredentials, type DualEnvConfig, type Environment } from '../../src/core/config';
import { openSshStream } from '../../src/core/database/sshStream';
import { DATABASE_SERVERS, copyImages, projectName, startRig, waitHealthy, type DatabaseServerKind, type RemoteServer } from '../rig';
import type { TempProject } from '../support/tempProject';
import { remoteProject } from './helpers';

export interface RemoteDatabase {
  project: TempProject;
  config: DualEnvConfig;
  production: Environment;
  /** Its compose project on the server. */
  composeProject: string;
  /** A connection as root that runs several statements at once, through the same `ssh -W` route as the engine's (fixtures and checks). */
  connect(): Promise<mysql.Connection>;
  /** Removes its containers, network and data volume, and what Dual Env kept for it on the server (backups, history, lock). */
  remove(): Promise<void>;
}

async function compose(server: RemoteServer, project: TempProject, composeProject: string, args: string[]): Promise<void> {
  const env = { ...server.env, DOCKER_HOST: server.dockerHost };
  const found = await detectCompose('v2', env);
  const result = await runCompose(found, { file: project.composeFile, projectName: composeProject, projectDir: project.dir }, args, { env });
  if (result.exitCode !== 0) throw new Error(`compose ${args.join(' ')} on the remote server failed (exit code ${result.exitCode}): ${(result.stderr || result.stdout).trim().split('\n').slice(-4).join(' | ')}`);
}

/** Every container and volume on the server that Dual Env made for `composeProject` (lock, history, backups). */
async function removeDualEnvState(server: RemoteServer, composeProject: string): Promise<void> {
  const ours = (name: string) => name.replace(/^\//, '').includes(`.${composeProject}.`);
  for (const container of await server.docker.listContainers({ all: true })) {
    // with its anonymous volumes: a lock or state container made from a database image has one
    if (container.Names.some(ours)) await server.docker.getContainer(container.Id).remove({ force: true, v: true });
  }
  const { Volumes } = await server.docker.listVolumes();
  for (const volume of Volumes ?? []) if (ours(volume.Name)) await server.docker.getVolume(volume.Name).remove({ force: true });
}

/**
 * `use` names it (its compose project is `<the rig's>-<use>`), so that two suites never
 * share one; `portAfterStack` puts its port on the server's loopback beside the stack's
 * production database.
 */
export async function startRemoteDatabase(server: RemoteServer, kind: DatabaseServerKind, use: string, portAfterStack: number): Promise<RemoteDatabase> {
  const { docker: local } = await startRig();
  // the server has no registry: the kind's image comes from this machine, once
  await copyImages(local, server.docker, [DATABASE_SERVERS[kind].image], () => undefined);
  const project = remoteProject(server);
  const composeProject = `${projectName}-${use}`;
  const env = project.read('.env');
  const port = Number(/^PRODUCTION_DB_PORT=(\d+)$/m.exec(env)?.[1]) + portAfterStack;
  project.write('.env', env
    .replace(/^COMPOSE_PROJECT_NAME=.*$/m, `COMPOSE_PROJECT_NAME=${composeProject}`)
    .replace(/^PRODUCTION_DATABASE_IMAGE=.*$/m, `PRODUCTION_DATABASE_IMAGE=${DATABASE_SERVERS[kind].image}`)
    .replace(/^PRODUCTION_DB_PORT=.*$/m, `PRODUCTION_DB_PORT=${port}`));
  const config = project.config();
  const production = config.environments.find((e) => e.name === 'production')!;
  await compose(server, project, composeProject, ['up', '-d', 'production-database']);
  await waitHealthy(server.docker, ['production-database'], 240_000, composeProject);
  return {
    project, config, production, composeProject,
    async connect() {
      const credentials = await databaseCredentials(config, production.database!, { asRoot: true });
      const stream = await openSshStream(credentials.via!, credentials.host, credentials.port);
      return mysql.createConnection({
        stream, user: credentials.user, password: credentials.password, database: credentials.database,
        multipleStatements: true, charset: 'UTF8MB4_UNICODE_CI', timezone: 'Z', dateStrings: true, supportBigNumbers: true, bigNumberStrings: true,
      });
    },
    async remove() {
      await compose(server, project, composeProject, ['down', '-v', '--remove-orphans']).catch(() => undefined);
      await removeDualEnvState(server, composeProject);
      project.remove();
    },
  };
}
