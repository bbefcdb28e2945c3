import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import type Docker from 'dockerode';
import { BASE_IMAGE, DATABASE_SERVERS, MYSQL_ROOT_IMAGE, RIG_LABEL, repoRoot } from './paths';
import { RigError, readState, writeState } from './state';

/** What the sample app's images need: built once per machine from the host's apt sources. */
const BASE_PACKAGES = ['mariadb-server', 'mariadb-client', 'nginx-light', 'nodejs', 'busybox', 'curl', 'openssl', 'gzip', 'procps'];
/** MySQL is not in bookworm: Debian's sid carries mysql-server 9.x. tzdata for the time zone tables the official image loads. */
const MYSQL_PACKAGES = ['mysql-server', 'mysql-client', 'tzdata', 'gzip', 'procps'];

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

/** The Debian mirror the machine's apt uses, so other suites come from the same place; no host name lives in the repo. */
function debianMirror(): string {
  const found = spawnSync('bash', [path.join(repoRoot, 'scripts', 'ci', 'debian-mirror.sh')], { encoding: 'utf8' });
  if (found.status !== 0) throw new RigError(found.stderr.trim() || 'could not find the machine\'s Debian mirror');
  return found.stdout.trim();
}

/** mmdebstrap's root file system of `suite`, piped into `docker import` as `image`. */
async function importRootFs(docker: Docker, image: string, mmdebstrapArgs: readonly string[]): Promise<void> {
  const mmdebstrap = spawn('mmdebstrap', ['--variant=apt', '--quiet', '--format=tar', ...mmdebstrapArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  mmdebstrap.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number>((resolve, reject) => {
    mmdebstrap.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new RigError('mmdebstrap is not installed; install it with apt-get install mmdebstrap.') : error));
    mmdebstrap.once('close', (code) => resolve(code ?? 1));
  });
  const [repo, tag] = image.split(':');
  const imported = docker.importImage(mmdebstrap.stdout, {
    repo, tag, changes: ['CMD ["/bin/bash"]', `LABEL ${RIG_LABEL}=1`],
  }).then((stream) => new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve()));
  }));
  const [code] = await Promise.all([exited, imported]);
  if (code !== 0) throw new RigError(`mmdebstrap failed (exit code ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  remember(image);
}

/**
 * Builds `image` from test/rig/images/<folder>/Dockerfile and rig.cnf with the
 * images' shared entrypoint.sh (no registry: every FROM is a local image).
 */
async function buildFromFolder(docker: Docker, image: string, folder: string, buildargs: Record<string, string>): Promise<void> {
  const context = path.join(repoRoot, 'test', 'rig', 'images');
  const stream = await docker.buildImage(
    { context, src: [`${folder}/Dockerfile`, 'entrypoint.sh', `${folder}/rig.cnf`] },
    { t: image, dockerfile: `${folder}/Dockerfile`, buildargs, labels: { [RIG_LABEL]: '1' }, rm: true, forcerm: true },
  );
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error, events: Array<{ error?: string }>) => {
      const failed = error ?? events.find((e) => e.error)?.error;
      if (failed) reject(new RigError(`building ${image} failed: ${String(failed)}`));
      else resolve();
    });
  });
  remember(image);
}

/** The offline images every test stands on: no registry is ever asked. */
export async function ensureImages(docker: Docker, log: (line: string) => void): Promise<void> {
  if (!(await imageExists(docker, BASE_IMAGE))) {
    log(`building ${BASE_IMAGE} with mmdebstrap (Debian bookworm: ${BASE_PACKAGES.join(', ')})`);
    await importRootFs(docker, BASE_IMAGE, [`--include=${BASE_PACKAGES.join(',')}`, 'bookworm', '-']);
  }
  if (!(await imageExists(docker, DATABASE_SERVERS.mariadb.image))) {
    log(`building ${DATABASE_SERVERS.mariadb.image} (MariaDB behaving like the official mysql image)`);
    await buildFromFolder(docker, DATABASE_SERVERS.mariadb.image, 'mariadb', { BASE_IMAGE });
  }
  if (!(await imageExists(docker, MYSQL_ROOT_IMAGE))) {
    log(`building ${MYSQL_ROOT_IMAGE} with mmdebstrap (Debian sid: ${MYSQL_PACKAGES.join(', ')})`);
    // the mirror's sid Release file can be past its Valid-Until date
    await importRootFs(docker, MYSQL_ROOT_IMAGE, [`--include=${MYSQL_PACKAGES.join(',')}`,
      '--aptopt=Acquire::Check-Valid-Until "false"', 'sid', '-', `deb ${debianMirror()} sid main`]);
  }
  if (!(await imageExists(docker, DATABASE_SERVERS.mysql.image))) {
    log(`building ${DATABASE_SERVERS.mysql.image} (MySQL behaving like the official mysql image)`);
    await buildFromFolder(docker, DATABASE_SERVERS.mysql.image, 'mysql', { ROOT_IMAGE: MYSQL_ROOT_IMAGE });
  }
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
