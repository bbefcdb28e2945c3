// npm run rig:up | rig:down — the test rig for people and other tools.
import { ensureEngine, localDocker, stopEngineIfOurs } from './engine';
import { ensureImages, removeRigImages } from './images';
import { APP_IMAGES, projectName } from './paths';
import { RigError } from './state';
import { ensureEnvFile, ensureHalf, removeEnvFileIfOurs, removeStack } from './stack';

const log = (line: string) => console.log(`[rig] ${line}`);

async function up(): Promise<void> {
  const docker = await ensureEngine(log);
  await ensureImages(docker, log);
  ensureEnvFile();
  for (const half of ['staging', 'production'] as const) await ensureHalf(docker, half, log);
  log('up: staging on http://127.0.0.1:8080, production on http://127.0.0.1:80 (both healthy); passwords in .env');
}

async function down(): Promise<void> {
  const docker = localDocker();
  try {
    await docker.ping();
  } catch {
    log('no Docker engine answers; nothing to remove');
    removeEnvFileIfOurs();
    return;
  }
  await removeStack(docker, log);
  // the app images, and the rollback-* tags that production deploys in the tests added beside them
  const tagged = await docker.listImages({ filters: { reference: [`${projectName}/*`] } });
  const tags = [...Object.values(APP_IMAGES), ...tagged.flatMap((image) => image.RepoTags ?? [])];
  for (const image of new Set(tags)) await docker.getImage(image).remove({ force: true }).catch(() => undefined);
  await removeRigImages(docker, log);
  removeEnvFileIfOurs();
  await stopEngineIfOurs(log);
  log('down: removed what the rig created');
}

const command = process.argv[2];
const action = command === 'up' ? up : command === 'down' ? down : undefined;
if (!action) {
  console.error('usage: tsx test/rig/main.ts up|down');
  process.exit(2);
}
action().catch((error: unknown) => {
  console.error(`[rig] ${error instanceof RigError ? error.message : error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
