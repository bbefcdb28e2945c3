// npm run rig:up | rig:down — the test rig for people and other tools.
import { ensureEngine, localDocker, stopEngineIfOurs } from './engine';
import { ensureImages, removeRigImages } from './images';
import { APP_IMAGES, DATABASE_SERVERS, projectName, stackServer, type DatabaseServerKind } from './paths';
import { ensureDatabaseServer, removeDatabaseServers } from './databaseServers';
import { RigError } from './state';
import { ensureRemoteServer, removeRemoteServer, removeStaleRemoteServers } from './remote';
import { ensureEnvFileOn, ensureHalf, removeEnvFileIfOurs, removeStack } from './stack';
import { removeLeftovers } from './leftovers';
import { ensureSwarm, removeStaleSwarms, removeSwarm } from './swarm';

const log = (line: string) => console.log(`[rig] ${line}`);

async function up(): Promise<void> {
  const docker = await ensureEngine(log);
  await ensureImages(docker, log);
  const env = await ensureEnvFileOn(docker, log);
  for (const half of ['staging', 'production'] as const) await ensureHalf(docker, half, log);
  for (const kind of Object.keys(DATABASE_SERVERS) as DatabaseServerKind[]) {
    const server = await ensureDatabaseServer(docker, kind, env);
    log(`${server.label} (${server.version}) for the database suite on 127.0.0.1:${server.root('').port}`);
  }
  log(`up: staging on http://127.0.0.1:8080, production on http://127.0.0.1:80 (both healthy, databases on ${DATABASE_SERVERS[stackServer].label}); passwords in .env`);
}

async function down(): Promise<void> {
  removeSwarm(log);
  removeRemoteServer(log);
  const docker = localDocker();
  try {
    await docker.ping();
  } catch {
    log('no Docker engine answers; nothing to remove');
    removeEnvFileIfOurs();
    return;
  }
  await removeStack(docker, log);
  await removeDatabaseServers(docker, log);
  await removeLeftovers(docker, { everyCheckout: false }, log);
  // the app images, and the rollback-* tags that production deploys in the tests added beside them
  const tagged = await docker.listImages({ filters: { reference: [`${projectName}/*`] } });
  const tags = [...Object.values(APP_IMAGES), ...tagged.flatMap((image) => image.RepoTags ?? [])];
  for (const image of new Set(tags)) await docker.getImage(image).remove({ force: true }).catch(() => undefined);
  await removeRigImages(docker, log);
  removeEnvFileIfOurs();
  await stopEngineIfOurs(log);
  log('down: removed what the rig created');
}

/** The remote server (and the local rig it copies images from), for people trying dockerHost: ssh:// by hand. */
async function remoteUp(): Promise<void> {
  const docker = await ensureEngine(log);
  await ensureImages(docker, log);
  const server = await ensureRemoteServer(docker, log, [stackServer]);
  log(`remote server up at ${server.names.serverIp}: PATH=${server.binDir}:$PATH DOCKER_HOST=${server.dockerHost} docker ps`);
}

/** For CI machines, which may start with an engine's state from earlier runs of any checkout. */
async function clearLeftovers(): Promise<void> {
  await removeLeftovers(await ensureEngine(log), { everyCheckout: true }, log);
  removeStaleRemoteServers(log);
  removeStaleSwarms(log);
}

/** The 3-node swarm with its registry, for people trying a Swarm environment by hand. */
async function swarmUp(): Promise<void> {
  const docker = await ensureEngine(log);
  await ensureImages(docker, log);
  const swarm = await ensureSwarm(docker, log);
  log(`swarm up: manager ${swarm.manager.names.serverIp}, registry ${swarm.names.registry}: PATH=${swarm.nodes[swarm.nodes.length - 1].binDir}:$PATH DOCKER_HOST=${swarm.manager.dockerHost} docker node ls`);
}

async function swarmDown(): Promise<void> {
  removeSwarm(log);
}

const actions: Record<string, () => Promise<void>> = { up, down, 'remote-up': remoteUp, 'swarm-up': swarmUp, 'swarm-down': swarmDown, 'clear-leftovers': clearLeftovers };
const action = actions[process.argv[2] ?? ''];
if (!action) {
  console.error(`usage: tsx test/rig/main.ts ${Object.keys(actions).join('|')}`);
  process.exit(2);
}
action().catch((error: unknown) => {
  console.error(`[rig] ${error instanceof RigError ? error.message : error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
