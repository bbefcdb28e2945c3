import { spawn } from 'node:child_process';
import path from 'node:path';
import type Docker from 'dockerode';
import { BASE_IMAGE, DATABASE_IMAGE, RIG_LABEL, repoRoot } from './paths';
import { RigError, readState, writeState } from './state';

/** What the sample app's images need: built once per machine from the host's apt sources. */
const BASE_PACKAGES = ['mariadb-server', 'mariadb-client', 'nginx-light', 'nodejs', 'busybox', 'curl', 'openssl', 'gzip', 'procps'];

async function imageExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch {
    return false;
  }
}

function remember(image: string): void {
  const state = readState();
  writeState({ ...state, images: [...new Set([...(state.images ?? []), image])] });
}

async function buildBaseImage(docker: Docker, log: (line: string) => void): Promise<void> {
  log(`building ${BASE_IMAGE} with mmdebstrap (Debian bookworm: ${BASE_PACKAGES.join(', ')})`);
  const mmdebstrap = spawn('mmdebstrap', ['--variant=apt', '--quiet', `--include=${BASE_PACKAGES.join(',')}`, '--format=tar', 'bookworm', '-'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  mmdebstrap.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number>((resolve, reject) => {
    mmdebstrap.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new RigError('mmdebstrap is not installed; install it with apt-get install mmdebstrap.') : error));
    mmdebstrap.once('close', (code) => resolve(code ?? 1));
  });
  const [repo, tag] = BASE_IMAGE.split(':');
  const imported = docker.importImage(mmdebstrap.stdout, {
    repo, tag, changes: ['CMD ["/bin/bash"]', `LABEL ${RIG_LABEL}=1`],
  }).then((stream) => new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve()));
  }));
  const [code] = await Promise.all([exited, imported]);
  if (code !== 0) throw new RigError(`mmdebstrap failed (exit code ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  remember(BASE_IMAGE);
}

async function buildDatabaseImage(docker: Docker, log: (line: string) => void): Promise<void> {
  log(`building ${DATABASE_IMAGE} (MariaDB behaving like the official mysql image)`);
  const context = path.join(repoRoot, 'test', 'rig', 'images', 'database');
  const stream = await docker.buildImage(
    { context, src: ['Dockerfile', 'entrypoint.sh', 'rig.cnf'] },
    { t: DATABASE_IMAGE, buildargs: { BASE_IMAGE }, labels: { [RIG_LABEL]: '1' }, rm: true, forcerm: true },
  );
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error, events: Array<{ error?: string }>) => {
      const failed = error ?? events.find((e) => e.error)?.error;
      if (failed) reject(new RigError(`building ${DATABASE_IMAGE} failed: ${String(failed)}`));
      else resolve();
    });
  });
  remember(DATABASE_IMAGE);
}

/** The offline images every test stands on: no registry is ever asked. */
export async function ensureImages(docker: Docker, log: (line: string) => void): Promise<void> {
  if (!(await imageExists(docker, BASE_IMAGE))) await buildBaseImage(docker, log);
  if (!(await imageExists(docker, DATABASE_IMAGE))) await buildDatabaseImage(docker, log);
}

export async function removeRigImages(docker: Docker, log: (line: string) => void): Promise<void> {
  const state = readState();
  for (const image of [...(state.images ?? [])].reverse()) {
    try {
      await docker.getImage(image).remove({ force: true });
      log(`removed image ${image}`);
    } catch {
      // already gone
    }
  }
  writeState({ ...readState(), images: [] });
}
