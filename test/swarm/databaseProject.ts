// The swarm suite's project with a database (fixtures/database-stack) for one server
// kind: its database image on dual-env-swarm-2, where the stack pins it (copied from
// this machine: the rig's database images are hundreds of MB, and a node uses an image
// it holds when no registry has it); a root connection to it through that node, as
// Dual Env's own; and the removal of everything it left on the swarm.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import type Docker from 'dockerode';
import { loadConfig } from '../../src/core/config';
import { backupVolumeName } from '../../src/core/database';
import { openSshStream } from '../../src/core/database/sshStream';
import { SSH_CONNECT_TIMEOUT_SECONDS } from '../../src/core/docker/sshTarget';
import { serverStateNames } from '../../src/core/docker/serverState';
import { DATABASE_SERVERS, copyImages, startRig, swarmAlias, type DatabaseServerKind, type Swarm } from '../rig';
import { fixtureRepository, removeStack } from './deployProject';

export const DATABASE_FIXTURE = path.join(__dirname, 'fixtures', 'database-stack');
/** The node the fixture pins its database to (1-based, as swarmAlias). */
export const DATABASE_NODE = 2;
/** The database's port on its node, as the fixture publishes it (one kind's stack is removed before the other's runs). */
const DATABASE_PORT = 3317;

export interface DatabaseProject {
  dir: string;
  file: string;
  stack: string;
  projectName: string;
  git(...args: string[]): string;
  /** Root in the `shop` database, through the database's node (ssh -W to its published port), several statements at once. */
  connect(): Promise<mysql.Connection>;
  remove(): Promise<void>;
}

/** Removes volumes, retrying while a container of a stack being removed still holds them. */
async function removeVolumes(docker: Docker, names: readonly string[]): Promise<void> {
  for (const name of names) {
    for (let attempt = 0; ; attempt++) {
      try {
        await docker.getVolume(name).remove({ force: true });
        break;
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) break;
        if (attempt >= 60) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
}

/** What Dual Env kept for the project on the manager: its lock and its history. */
async function removeServerState(manager: Docker, projectName: string): Promise<void> {
  const names = serverStateNames(projectName, 'production');
  for (const name of [names.lockContainer, names.stateContainer]) await manager.getContainer(name).remove({ force: true, v: true }).catch(() => undefined);
  await removeVolumes(manager, [names.stateVolume]);
}

export async function databaseProject(swarm: Swarm, kind: DatabaseServerKind): Promise<DatabaseProject> {
  const stack = `dual-env-swarm-db-${kind}`;
  const node = swarm.nodes[DATABASE_NODE - 1].docker;
  const { docker: local } = await startRig();
  await copyImages(local, node, [DATABASE_SERVERS[kind].image], () => undefined);
  // what an earlier run left would make the first deploy an update of old data
  await removeStack(swarm, stack);
  await removeVolumes(node, [`${stack}_database_data`]);
  const password = crypto.randomBytes(9).toString('hex');
  const rootPassword = crypto.randomBytes(9).toString('hex');
  const { dir, git } = fixtureRepository(DATABASE_FIXTURE, [
    `DATABASE_IMAGE=${DATABASE_SERVERS[kind].image}`, `DB_PASSWORD=${password}`, `DB_ROOT_PASSWORD=${rootPassword}`,
    `SWARM_STACK=${stack}`, `SWARM_REGISTRY=${swarm.names.registry}`, '',
  ].join('\n'));
  const file = path.join(dir, 'docker-compose-dual-env.yml');
  const { projectName } = loadConfig(file);
  return {
    dir, file, stack, projectName, git,
    async connect() {
      const stream = await openSshStream({ host: swarmAlias(DATABASE_NODE), connectTimeoutSeconds: SSH_CONNECT_TIMEOUT_SECONDS }, '127.0.0.1', DATABASE_PORT);
      return mysql.createConnection({ stream, user: 'root', password: rootPassword, database: 'shop', multipleStatements: true });
    },
    async remove() {
      await removeStack(swarm, stack);
      await removeVolumes(node, [`${stack}_database_data`, backupVolumeName(projectName, 'production')]);
      await removeServerState(swarm.manager.docker, projectName);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
