import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { rigDir } from './paths';
import { RigError, readState, writeState } from './state';

/** A loopback port nothing listens on: the daemon's proxy, so no image pull can leave the machine. */
const DEAD_PROXY = 'http://127.0.0.1:9';

export function localDocker(): Docker {
  return new Docker(); // honours DOCKER_HOST, else the local socket
}

async function answers(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && fs.existsSync(path.join(dir, program)));
}

/** Uses the engine that answers, or starts Debian's dockerd with the rig's offline settings. */
export async function ensureEngine(log: (line: string) => void): Promise<Docker> {
  const docker = localDocker();
  if (await answers(docker)) return docker;
  if (process.env.DOCKER_HOST) throw new RigError(`No Docker engine answers at DOCKER_HOST=${process.env.DOCKER_HOST}; start it or unset DOCKER_HOST.`);
  if (!onPath('dockerd')) throw new RigError('No Docker engine answers and dockerd is not installed; install Debian\'s docker.io (apt-get install docker.io).');
  if (process.getuid?.() !== 0) throw new RigError('No Docker engine answers and starting dockerd needs root; start Docker yourself or run the rig as root.');

  await startDockerd(docker, log);
  return docker;
}

const DOCKERD_PID_FILE = '/var/run/docker.pid';

/**
 * Starts Debian's dockerd with the rig's offline settings and waits until it answers.
 * Several rigs share the engine: when another one's dockerd holds the pid file (starting,
 * or stopping for a restart) ours exits at once, so this waits and tries again.
 */
async function startDockerd(docker: Docker, log: (line: string) => void): Promise<void> {
  log('starting dockerd (overlay2, ports on 127.0.0.1, pulls blocked)');
  fs.mkdirSync(rigDir, { recursive: true });
  const out = fs.openSync(path.join(rigDir, 'dockerd.log'), 'a');
  const spawnDockerd = () => {
    const child = spawn('dockerd', ['--storage-driver=overlay2', '--iptables=false', '--ip', '127.0.0.1'], {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, HTTP_PROXY: DEAD_PROXY, HTTPS_PROXY: DEAD_PROXY, http_proxy: DEAD_PROXY, https_proxy: DEAD_PROXY, NO_PROXY: '', no_proxy: '' },
    });
    child.unref();
    return child;
  };
  let child = spawnDockerd();
  for (const end = Date.now() + 60_000; Date.now() < end; ) {
    if (await answers(docker)) {
      if (child.exitCode === null) writeState({ ...readState(), dockerdPid: child.pid });
      return;
    }
    if (child.exitCode !== null && !fs.existsSync(DOCKERD_PID_FILE)) child = spawnDockerd();
    await new Promise((r) => setTimeout(r, 300));
  }
  const tail = fs.readFileSync(path.join(rigDir, 'dockerd.log'), 'utf8').trim().split('\n').slice(-3).join(' | ');
  throw new RigError(`dockerd did not start within 60 s (see .rig/dockerd.log): ${tail}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Restarts the shared Docker daemon the way a host reboot of the engine would: SIGTERM
 * to the pid in /var/run/docker.pid, wait until it is gone, start it again exactly as
 * ensureEngine does. Containers with `restart: unless-stopped` come back on their own;
 * callers wait for their own services to be healthy again.
 */
export async function restartEngine(log: (line: string) => void = () => {}): Promise<Docker> {
  if (process.env.DOCKER_HOST) throw new RigError('restartEngine restarts only the local dockerd; unset DOCKER_HOST.');
  const pid = Number(fs.readFileSync(DOCKERD_PID_FILE, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new RigError(`${DOCKERD_PID_FILE} holds no pid; is dockerd running?`);
  const wasOurs = readState().dockerdPid === pid;
  log(`stopping dockerd (pid ${pid})`);
  process.kill(pid, 'SIGTERM');
  for (const end = Date.now() + 60_000; alive(pid); ) {
    if (Date.now() > end) throw new RigError(`dockerd (pid ${pid}) did not stop within 60 s of SIGTERM.`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const docker = localDocker();
  await startDockerd(docker, log);
  // the daemon belongs to whoever started the first one: only that rig's rig:down stops it
  if (!wasOurs) writeState({ ...readState(), dockerdPid: undefined });
  return docker;
}

/** Stops dockerd only if the rig started it. */
export async function stopEngineIfOurs(log: (line: string) => void): Promise<void> {
  const { dockerdPid } = readState();
  if (!dockerdPid) return;
  try {
    process.kill(dockerdPid, 'SIGTERM');
    log(`stopping dockerd (pid ${dockerdPid}) that the rig started`);
    for (const end = Date.now() + 30_000; Date.now() < end; ) {
      process.kill(dockerdPid, 0);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch {
    // gone
  }
  writeState({ ...readState(), dockerdPid: undefined });
}
