// How backups and restores reach the database of a Swarm environment: through the node
// its single task runs on, exactly as they reach a Compose database on a server. The
// connection is the Compose path's `ssh -W` to the database's published port, as seen
// from that node (x-dual-env's database host and port, 127.0.0.1 and a host-mode port
// normally); the backups live in the Compose path's backups volume, on that node's
// engine, read and written by helpers made from the database's own image.
import type Docker from 'dockerode';
import type { DualEnvConfig, Environment } from '../config';
import type { DatabaseCredentials } from '../config/credentials';
import { backupVolumeName, volumePlace, type BackupPlace } from '../database';
import { deferredPlace } from '../database/deferredPlace';
import { dockerClientFor } from '../docker/client';
import { sshTargetOf } from '../docker/sshTarget';
import { SwarmDatabaseError, databaseServiceName, databaseTaskEnded, findDatabaseNode, type DatabaseNode } from './databaseNode';

type SwarmEnvironment = Environment & { swarm: { stack: string } };

/** Whether the environment's database runs on Swarm (and is reached through its node). */
export const isSwarmDatabase = (environment: Environment): environment is SwarmEnvironment => Boolean(environment.swarm && environment.database);

/** The environment's backups: the backups volume on the engine of the node its database runs on, found when first asked. */
export function swarmBackupPlace(config: DualEnvConfig, environment: SwarmEnvironment, manager: () => Docker = () => dockerClientFor(environment)): BackupPlace {
  const volume = backupVolumeName(config.projectName, environment.name);
  return deferredPlace(`volume ${volume} on the node running ${databaseServiceName(environment)}`, async () => {
    const node = await findDatabaseNode(manager(), environment);
    return volumePlace({
      docker: node.docker, engine: `${node.hostname} (${node.dockerHost})`, volume, image: async () => node.image,
      explainFailure: (failure) => taskEndedFailure(manager(), environment, node, failure),
    });
  });
}

/**
 * A backup's failure said as what happened when the database's task stopped under it
 * (an update replaced it, its node was drained): the driver's own words for that are
 * "Query execution was interrupted" or a lost connection, which point nowhere.
 */
async function taskEndedFailure(manager: Docker, environment: SwarmEnvironment, node: DatabaseNode, failure: Error): Promise<Error | undefined> {
  const ended = await databaseTaskEnded(manager, environment, node);
  if (!ended) return undefined;
  return new SwarmDatabaseError(`Backup of ${environment.database!.name} failed because ${environment.label}'s database task on ${node.hostname} ${ended} while the backup read it, so no backup was kept; back up again once docker service ps ${databaseServiceName(environment)} shows it running.`, { cause: failure });
}

/** The credentials with the route through the database's node: ssh -W from that node to host:port, or none for a node on tcp://. */
export async function throughDatabaseNode(environment: SwarmEnvironment, credentials: DatabaseCredentials, manager: Docker = dockerClientFor(environment)): Promise<DatabaseCredentials> {
  const node = await findDatabaseNode(manager, environment);
  const { via: _manager, ...direct } = credentials;
  const via = sshTargetOf({ dockerHost: node.dockerHost });
  return via ? { ...direct, via } : direct;
}
