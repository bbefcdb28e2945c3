import type Docker from 'dockerode';
import { ConfigError } from '../common/errors';
import type { DualEnvConfig, Environment } from '../config';
import { backupVolumeName, folderPlace, volumePlace, type BackupPlace } from '../database';
import { dockerClientFor, dockerHostOf } from '../docker/client';
import { isRemoteEngine } from '../docker/dockerHost';
import { projectFilter, serviceOf } from '../docker/discovery';
import { isSwarmDatabase, swarmBackupPlace } from '../swarm/databaseReach';


/** The image of the environment's database container: one the engine holds for certain, with sh and coreutils. */
async function databaseImage(docker: Docker, config: DualEnvConfig, environment: Environment, volume: string, engine: string): Promise<string> {
  const service = environment.database?.service;
  if (!service) throw new ConfigError(`The environment ${environment.name} declares no database in x-dual-env, so it has no backups.`);
  const containers = await docker.listContainers({ all: true, filters: projectFilter(config.projectName, [service]) });
  const container = containers.find((c) => serviceOf(c.Labels) === service);
  if (!container) {
    throw new ConfigError(`${environment.label}'s backups live in volume ${volume} on ${engine}, read through a helper made from the image of its ${service} container, which does not exist there; deploy ${environment.label} first.`);
  }
  return container.ImageID;
}

/**
 * Where an environment's backups live: its backups folder when its engine is
 * this machine's, else a volume on its engine, shared by everyone who deploys it;
 * for a database on Swarm, that volume on the engine of the node it runs on.
 */
export function backupPlaceOf(config: DualEnvConfig, environment: Environment, env: NodeJS.ProcessEnv = process.env): BackupPlace {
  if (isSwarmDatabase(environment)) return swarmBackupPlace(config, environment, () => dockerClientFor(environment, env));
  if (!isRemoteEngine(environment, env)) return folderPlace(environment.backups.folder);
  const docker = dockerClientFor(environment, env);
  const engine = dockerHostOf(environment, env);
  const volume = backupVolumeName(config.projectName, environment.name);
  let image: Promise<string> | undefined;
  return volumePlace({
    docker, engine, volume,
    image: () => (image ??= databaseImage(docker, config, environment, volume, engine)),
  });
}
