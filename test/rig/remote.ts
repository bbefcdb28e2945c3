// The rig's remote server: a host of its own (a network namespace with its own
// dockerd and sshd) that tests reach only over SSH, as a laptop reaches a
// production server. remote-host.sh does the namespace and mount work; this file
// names things per rig instance, waits, copies images and records state.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { detectCompose, runCompose } from '../../src/core/compose/composeCommand';
import { BASE_IMAGE, DATABASE_SERVERS, checkoutProject, checkoutProjects, composeFile, projectName, repoRoot, type DatabaseServerKind } from './paths';
import { projectContainers, removeHalf, servicesOf, waitHealthy, type EnvironmentName } from './stack';
import { RigError, readState, writeState, type RemoteNames } from './state';

/** The ssh alias the rig's ssh_config gives the server (what a user's ~/.ssh/config would). */
export const REMOTE_ALIAS = 'dual-env-remote';
/** The alias of the second server, which only tests of environments on two servers start. */
export const SECOND_REMOTE_ALIAS = 'dual-env-remote-2';

/** Which of the instance's servers: the first, which every remote test uses, or a second one. */
export type RemoteServerNumber = 1 | 2;

const REMOTE_DIR_PREFIX = 'dual-env-rig-remote-';

/**
 * Names derived from the rig instance, so two instances never share a namespace or
 * a subnet: 10.79.<n>.0/24 (the shared lab uses 10.77/16, Swarm's pool 10.78/16).
 */
export function remoteNames(which: RemoteServerNumber = 1): RemoteNames {
  const keyOf = (n: RemoteServerNumber) => crypto.createHash('sha256').update(n === 1 ? checkoutProject : `${checkoutProject}#${n}`).digest('hex').slice(0, 6);
  const first = namesOf(keyOf(1), REMOTE_ALIAS, subnetOctet(keyOf(1)));
  if (which === 1) return first;
  // the instance's two subnets must differ even before the first server's link exists
  return namesOf(keyOf(2), SECOND_REMOTE_ALIAS, subnetOctet(keyOf(2), [octetIn(first.clientIp)]));
}

const octetIn = (address: string, prefix = '10.79') => Number(new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.`).exec(address)?.[1] ?? NaN);

/**
 * The subnet's third octet: the one this server's veth has, else the hash's, else the
 * next one no link uses (two instances' hashes can meet modulo 250, as rbench's and
 * rtree's do; the second then takes the next free subnet instead of refusing).
 */
export function subnetOctet(key: string, avoid: readonly number[] = [], prefix = '10.79', link = `dr${key}`): number {
  const lines = (spawnSync('ip', ['-o', '-4', 'addr', 'show'], { encoding: 'utf8' }).stdout ?? '').split('\n');
  const octetOfLine = (line: string) => octetIn(/ inet (\S+)/.exec(line)?.[1] ?? '', prefix);
  const own = lines.find((line) => line.includes(` ${link} `) || line.includes(` ${link}@`));
  if (own && Number.isInteger(octetOfLine(own))) return octetOfLine(own);
  const used = new Set([...lines.map(octetOfLine).filter(Number.isInteger), ...avoid]);
  let octet = (parseInt(key, 16) % 250) + 2;
  for (let tried = 0; tried < 250 && used.has(octet); tried++) octet = ((octet - 1) % 250) + 2;
  return octet;
}

function namesOf(key: string, alias = REMOTE_ALIAS, octet = (parseInt(key, 16) % 250) + 2): RemoteNames {
  return {
    dir: path.join(os.tmpdir(), `${REMOTE_DIR_PREFIX}${key}`),
    netns: `dual-env-${key}`,
    veth: `dr${key}`,
    clientIp: `10.79.${octet}.1`,
    serverIp: `10.79.${octet}.2`,
    alias,
  };
}

export interface RemoteServer {
  names: RemoteNames;
  /** The server's engine through its own socket: for the rig's set-up and checks, never for what a test proves. */
  docker: Docker;
  /** What an environment's dockerHost says to reach the server. */
  dockerHost: string;
  /** Environment for child processes (and this one): the rig's `ssh` wrapper first in PATH. */
  env: NodeJS.ProcessEnv;
  /** The folder with the wrapper `ssh`. */
  binDir: string;
  sshConfig: string;
  knownHosts: string;
}

/**
 * `peer`: a server whose alias this one's ssh config also reaches, so one PATH serves a test that uses both;
 * `extraEnv`: remote-host.sh's options for a swarm node (switch, daemon.json, iptables).
 */
export function hostScript(action: 'up' | 'down', names: RemoteNames, peer?: RemoteNames, extraEnv: Record<string, string> = {}): void {
  const script = path.join(repoRoot, 'test', 'rig', 'remote-host.sh');
  const run = spawnSync('bash', [script, action], {
    encoding: 'utf8',
    env: {
      ...process.env, REMOTE_DIR: names.dir, REMOTE_NETNS: names.netns, REMOTE_VETH: names.veth, REMOTE_CLIENT_IP: names.clientIp, REMOTE_SERVER_IP: names.serverIp,
      REMOTE_ALIAS: names.alias ?? REMOTE_ALIAS, REMOTE_PEER_SSH_CONFIG: peer ? path.join(peer.dir, 'ssh', 'ssh_config') : '', ...extraEnv,
    },
  });
  if (run.status !== 0) throw new RigError(`remote-host.sh ${action} failed (exit code ${run.status}): ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ')}`);
}

/** The second server's ssh config also reaches the first, so a test using both needs one PATH. */
function peerOf(names: RemoteNames): RemoteNames | undefined {
  return names.alias === SECOND_REMOTE_ALIAS ? remoteNames(1) : undefined;
}

/** Refuses when the instance's subnet is already on a link the rig did not make. */
function checkSubnetFree(names: RemoteNames): void {
  const addresses = spawnSync('ip', ['-o', '-4', 'addr', 'show'], { encoding: 'utf8' }).stdout ?? '';
  const subnet = names.clientIp.replace(/\.1$/, '.');
  const clash = addresses.split('\n').find((line) => line.includes(` inet ${subnet}`) && !line.includes(` ${names.veth} `) && !line.includes(` ${names.veth}@`));
  if (clash) throw new RigError(`The remote server's subnet ${subnet}0/24 is already in use (${clash.trim().split(/\s+/)[1]}); set another RIG_INSTANCE.`);
}

export function commandMissing(): string | undefined {
  for (const [program, pkg] of [['sshd', 'openssh-server'], ['ssh', 'openssh-client'], ['nsenter', 'util-linux'], ['ip', 'iproute2']] as const) {
    const where = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((dir) => fs.existsSync(path.join(dir, program)));
    if (!where) return `${program} is not installed; install Debian's ${pkg}.`;
  }
  return undefined;
}

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, logFile: string, who = 'remote server'): Promise<void> {
  for (const end = Date.now() + 60_000; Date.now() < end; ) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ') : '';
  throw new RigError(`The ${who}'s ${what} did not start within 60 s (see ${logFile}): ${tail}`);
}

export function serverOf(names: RemoteNames): RemoteServer {
  const binDir = path.join(names.dir, 'bin');
  return {
    names,
    docker: new Docker({ socketPath: path.join(names.dir, 'docker.sock') }),
    dockerHost: `ssh://${names.alias ?? REMOTE_ALIAS}`,
    env: { ...process.env, PATH: `${binDir}:${process.env.PATH ?? ''}` },
    binDir,
    sshConfig: path.join(names.dir, 'ssh', 'ssh_config'),
    knownHosts: path.join(names.dir, 'ssh', 'known_hosts'),
  };
}

/** Copies images the server lacks (or has in another version) with `docker save | docker load`: the server has no registry. */
export async function copyImages(local: Docker, remote: Docker, images: readonly string[], log: (line: string) => void): Promise<void> {
  const missing: string[] = [];
  for (const image of images) {
    const wanted = (await local.getImage(image).inspect()).Id;
    const present = await remote.getImage(image).inspect().then((i) => i.Id, () => undefined);
    if (present !== wanted) missing.push(image);
  }
  if (missing.length === 0) return;
  log(`copying ${missing.join(', ')} to the remote server`);
  const saved = await (local as unknown as { getImages(options: { names: string[] }): Promise<NodeJS.ReadableStream> }).getImages({ names: missing });
  const loading = await remote.loadImage(saved, { quiet: true });
  await new Promise<void>((resolve, reject) => remote.modem.followProgress(loading, (error) => (error ? reject(error) : resolve())));
}

/**
 * The remote server, up and answering over SSH, with the images the reference
 * stack builds FROM and the database images of `servers`. Idempotent. The second
 * server (`which` 2) needs the first up: its ssh config reaches both aliases.
 */
export async function ensureRemoteServer(local: Docker, log: (line: string) => void, servers: readonly DatabaseServerKind[], which: RemoteServerNumber = 1): Promise<RemoteServer> {
  if (process.getuid?.() !== 0) throw new RigError('The remote server needs root (network namespaces, dockerd, sshd); run the rig as root.');
  const missing = commandMissing();
  if (missing) throw new RigError(missing);
  const names = remoteNames(which);
  checkSubnetFree(names);
  if (removeIfStale(names)) log('removed a stale remote server folder an earlier run left');
  writeState({ ...readState(), [which === 1 ? 'remote' : 'secondRemote']: names });
  hostScript('up', names, peerOf(names));
  const server = serverOf(names);
  await waitFor('dockerd', () => server.docker.ping().then(() => true, () => false), path.join(names.dir, 'dockerd.log'));
  const sshWorks = () => spawnSync('ssh', ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', names.alias ?? REMOTE_ALIAS, 'docker', 'version', '--format', '{{.Server.Version}}'], { env: server.env, encoding: 'utf8' }).status === 0;
  await waitFor('sshd', sshWorks, path.join(names.dir, 'sshd.log'));
  await copyImages(local, server.docker, [BASE_IMAGE, ...servers.map((kind) => DATABASE_SERVERS[kind].image)], log);
  return server;
}

export function pidAlive(file: string): boolean {
  const pid = Number(fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : NaN);
  try {
    return Number.isInteger(pid) && pid > 0 && (process.kill(pid, 0), true);
  } catch {
    return false;
  }
}

/**
 * A server whose engine is not running is what an earlier run (or an earlier life
 * of this machine) left: its containers and volumes hold passwords of a .env that
 * may no longer exist, so it goes, namespace and folder. The engine's overlay
 * mounts lived in its own mount namespace, gone with it: the folder is plain files.
 */
function removeIfStale(names: RemoteNames): boolean {
  if (!fs.existsSync(names.dir) || pidAlive(path.join(names.dir, 'docker.pid'))) return false;
  hostScript('down', names);
  fs.rmSync(names.dir, { recursive: true, force: true });
  return true;
}

/** Every rig instance's stale server (for CI machines that inherit a disk). */
export function removeStaleRemoteServers(log: (line: string) => void): void {
  for (const name of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(REMOTE_DIR_PREFIX))) {
    if (removeIfStale(namesOf(name.slice(REMOTE_DIR_PREFIX.length)))) log(`removed the stale remote server ${name}`);
  }
}

/** Removes the remote servers (the second too): their processes by recorded pid, namespaces, veths, folders. */
export function removeRemoteServer(log: (line: string) => void): void {
  for (const key of ['secondRemote', 'remote'] as const) {
    const names = readState()[key];
    if (!names) continue;
    hostScript('down', names);
    removeIfStale(names);
    writeState({ ...readState(), [key]: undefined });
    log(`removed the remote server (${names.netns}, ${names.serverIp})`);
  }
}

/** Compose (`v1` or `v2`) on the reference project, against the remote server over ssh:// as a user would run it. */
export async function remoteCompose(server: RemoteServer, preference: 'v1' | 'v2', args: readonly string[]): Promise<string> {
  const env = { ...server.env, DOCKER_HOST: server.dockerHost };
  const compose = await detectCompose(preference, env);
  const result = await runCompose(compose, { file: composeFile, projectName, projectDir: repoRoot }, args, { env });
  if (result.exitCode !== 0) {
    throw new RigError(`compose ${compose.major} ${args.join(' ')} on the remote server failed (exit code ${result.exitCode}): ${(result.stderr || result.stdout).trim().split('\n').slice(-4).join(' | ')}`);
  }
  return result.stdout;
}

/** One half of the reference stack on the remote server, healthy; `up` runs once per process, as ensureHalf does locally. */
export async function ensureRemoteHalf(server: RemoteServer, half: EnvironmentName, preference: 'v1' | 'v2' = 'v2'): Promise<void> {
  const services = servicesOf(half);
  // the stack on the other database server holds the same ports on the server: its containers go, its volumes stay
  for (const sibling of checkoutProjects.filter((p) => p !== projectName)) {
    for (const container of await projectContainers(server.docker, undefined, sibling)) await server.docker.getContainer(container.Id).remove({ force: true });
  }
  const converged = `${server.names.netns}/${half}`;
  if (!remoteConverged.has(converged) || (await projectContainers(server.docker, services)).filter((c) => c.State === 'running').length < services.length) {
    await remoteCompose(server, preference, ['up', '-d', '--build', ...services]);
    remoteConverged.add(converged);
  }
  await waitHealthy(server.docker, services);
}
/** `<server's netns>/<half>`: what ensureRemoteHalf brought up in this process. */
const remoteConverged = new Set<string>();

/** Removes one half from the remote server, its database volume included. */
export async function removeRemoteHalf(server: RemoteServer, half: EnvironmentName): Promise<void> {
  remoteConverged.delete(`${server.names.netns}/${half}`);
  await removeHalf(server.docker, half);
}

/** Stops the server's dockerd (as a crash or `systemctl stop docker` would), waiting until it is gone. */
export async function stopRemoteEngine(server: RemoteServer): Promise<void> {
  const pid = Number(fs.readFileSync(path.join(server.names.dir, 'docker.pid'), 'utf8').trim());
  process.kill(pid, 'SIGTERM');
  await waitFor('dockerd (stopping)', () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }, path.join(server.names.dir, 'dockerd.log'));
}

/** Starts the server's dockerd again after stopRemoteEngine; containers with a restart policy come back on their own. */
export async function startRemoteEngine(server: RemoteServer): Promise<void> {
  hostScript('up', server.names, peerOf(server.names));
  await waitFor('dockerd', () => server.docker.ping().then(() => true, () => false), path.join(server.names.dir, 'dockerd.log'));
}
