// The rig's 3-node Docker Swarm: three hosts made by remote-host.sh (a network
// namespace each with its own dockerd and sshd, no route out) on a bridge of their
// own (swarm-switch.sh), which also carries the registry the nodes pull from.
// Node 1 is the manager, nodes 2 and 3 workers. This file names things per rig
// instance, starts, joins, waits, and pushes the images the tests deploy.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { BASE_IMAGE, RIG_LABEL, checkoutProject, repoRoot } from './paths';
import { commandMissing, copyImages, hostScript, pidAlive, serverOf, subnetOctet, waitFor, type RemoteServer } from './remote';
import { RigError, readState, writeState, type RemoteNames, type SwarmNames } from './state';

const SWARM_DIR_PREFIX = 'dual-env-rig-swarm-';
export const SWARM_NODE_COUNT = 3;
/** The ssh alias of node `n` (1-based) in the swarm's ssh config; node 1 is the manager. */
export const swarmAlias = (n: number) => `dual-env-swarm-${n}`;
/** The tests' tiny web service, built FROM the base image, pushed to the rig's registry. */
export const SWARM_WEB_IMAGE = 'dual-env-rig/swarm-web:1';
/** The tests' health-checked front (nginx resolving the dnsrr service `web`), pushed the same way. */
export const SWARM_FRONT_IMAGE = 'dual-env-rig/swarm-front:1';
/** Each pushed image and the folder of test/rig/images its Dockerfile lies in. */
const SWARM_IMAGES: ReadonlyArray<[image: string, folder: string]> = [[SWARM_WEB_IMAGE, 'swarm-web'], [SWARM_FRONT_IMAGE, 'swarm-front']];

/**
 * Names derived from the rig instance: nodes on 10.80.<n>.0/24 (remote servers use
 * 10.79/16, the shared lab 10.77-78/16), Swarm's overlay pool 10.81.<n>.0/24 cut in
 * /27s, so two instances' swarms never share an address even if routed together.
 */
export function swarmNames(key = crypto.createHash('sha256').update(`${checkoutProject}#swarm`).digest('hex').slice(0, 6)): SwarmNames {
  const rootVeth = `ds${key}`;
  const octet = subnetOctet(key, [], '10.80', rootVeth);
  const dir = path.join(os.tmpdir(), `${SWARM_DIR_PREFIX}${key}`);
  const subnet = `10.80.${octet}`;
  const nodes: RemoteNames[] = Array.from({ length: SWARM_NODE_COUNT }, (_, i) => ({
    dir: path.join(dir, `node${i + 1}`),
    netns: `dual-env-${key}-${i + 1}`,
    veth: `ds${key}p${i + 1}`,
    clientIp: `${subnet}.1`,
    serverIp: `${subnet}.${11 + i}`,
    alias: swarmAlias(i + 1),
  }));
  return {
    dir, switchNetns: `dual-env-${key}-sw`, rootVeth, clientIp: `${subnet}.1`, registryIp: `${subnet}.10`, registry: `${subnet}.10:5000`,
    addressPool: `10.81.${octet}.0/24`, nodes,
  };
}

export interface Swarm {
  names: SwarmNames;
  /** Each node as a remote server (its own socket for the rig, ssh alias for what tests prove); [0] is the manager. */
  nodes: RemoteServer[];
  manager: RemoteServer;
  /** PATH with an `ssh` that reaches every node's alias. */
  env: NodeJS.ProcessEnv;
}

function switchScript(action: 'up' | 'down', names: SwarmNames): void {
  const run = spawnSync('bash', [path.join(repoRoot, 'test', 'rig', 'swarm-switch.sh'), action], {
    encoding: 'utf8',
    env: {
      ...process.env, SWARM_DIR: names.dir, SWARM_SWITCH_NETNS: names.switchNetns, SWARM_ROOT_VETH: names.rootVeth,
      SWARM_CLIENT_IP: names.clientIp, SWARM_REGISTRY_IP: names.registryIp,
    },
  });
  if (run.status !== 0) throw new RigError(`swarm-switch.sh ${action} failed (exit code ${run.status}): ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ')}`);
}

/** remote-host.sh's options for a node: on the switch, iptables for overlays and host ports, the registry trusted over HTTP. */
function nodeEnv(names: SwarmNames): Record<string, string> {
  return {
    REMOTE_SWITCH_NETNS: names.switchNetns,
    REMOTE_IPTABLES: 'true',
    REMOTE_NO_PROXY: names.registryIp,
    REMOTE_DOCKERD_CONFIG: JSON.stringify({ 'storage-driver': 'overlay2', 'log-opts': { 'max-size': '5m' }, 'insecure-registries': [names.registry] }),
  };
}

/** Node n's script call: its ssh config repeats the previous node's, so the last one reaches every alias. */
function nodeScript(action: 'up' | 'down', names: SwarmNames, index: number): void {
  hostScript(action, names.nodes[index], index > 0 ? names.nodes[index - 1] : undefined, nodeEnv(names));
}

function swarmOf(names: SwarmNames): Swarm {
  const nodes = names.nodes.map(serverOf);
  const last = nodes[nodes.length - 1];
  for (const node of nodes) node.env = last.env;
  return { names, nodes, manager: nodes[0], env: last.env };
}

/** Stale: the folder is there and none of its engines runs (a killed earlier run, a rebooted machine). */
function removeIfStale(names: SwarmNames): boolean {
  if (!fs.existsSync(names.dir) || names.nodes.some((node) => pidAlive(path.join(node.dir, 'docker.pid')))) return false;
  removeSwarmOf(names);
  return true;
}

function removeSwarmOf(names: SwarmNames): void {
  for (let i = names.nodes.length - 1; i >= 0; i--) nodeScript('down', names, i);
  switchScript('down', names);
  fs.rmSync(names.dir, { recursive: true, force: true });
}

/** Every rig instance's stale swarm (for CI machines that inherit a disk). */
export function removeStaleSwarms(log: (line: string) => void): void {
  for (const name of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(SWARM_DIR_PREFIX))) {
    if (removeIfStale(swarmNames(name.slice(SWARM_DIR_PREFIX.length)))) log(`removed the stale swarm ${name}`);
  }
}

/** Removes this instance's swarm: processes by recorded pid, namespaces, veths, folder (registry included). */
export function removeSwarm(log: (line: string) => void): void {
  const names = readState().swarm;
  if (!names) return;
  removeSwarmOf(names);
  writeState({ ...readState(), swarm: undefined });
  log(`removed the swarm (${names.switchNetns}, ${names.nodes.map((n) => n.serverIp).join(', ')})`);
}

async function joinSwarm(swarm: Swarm): Promise<void> {
  const [manager, ...workers] = swarm.nodes;
  const { names } = swarm;
  if ((await manager.docker.info()).Swarm?.LocalNodeState !== 'active') {
    await manager.docker.swarmInit({
      ListenAddr: `${names.nodes[0].serverIp}:2377`, AdvertiseAddr: names.nodes[0].serverIp,
      DefaultAddrPool: [names.addressPool], SubnetSize: 27,
    });
  }
  const token = ((await manager.docker.swarmInspect()) as { JoinTokens: { Worker: string } }).JoinTokens.Worker;
  for (const [i, worker] of workers.entries()) {
    if ((await worker.docker.info()).Swarm?.LocalNodeState === 'active') continue;
    const ip = names.nodes[i + 1].serverIp;
    await worker.docker.swarmJoin({ ListenAddr: `${ip}:2377`, AdvertiseAddr: ip, RemoteAddrs: [`${names.nodes[0].serverIp}:2377`], JoinToken: token });
  }
  const ready = async () => (await manager.docker.listNodes()).filter((n) => n.Status?.State === 'ready').length >= SWARM_NODE_COUNT;
  await waitFor(`${SWARM_NODE_COUNT} ready nodes`, ready, path.join(names.nodes[0].dir, 'dockerd.log'), 'swarm');
}

async function buildSwarmImage(local: Docker, image: string, folder: string): Promise<void> {
  const imagesDir = path.join(repoRoot, 'test', 'rig', 'images');
  const stream = await local.buildImage(
    { context: imagesDir, src: fs.readdirSync(path.join(imagesDir, folder)).map((file) => `${folder}/${file}`) },
    { t: image, dockerfile: `${folder}/Dockerfile`, buildargs: { BASE: BASE_IMAGE }, labels: { [RIG_LABEL]: '1' }, rm: true, forcerm: true },
  );
  await followOrFail(local, stream, `building ${image}`);
}

function followOrFail(docker: Docker, stream: NodeJS.ReadableStream, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error, events: Array<{ error?: string }>) => {
      const failed = error ?? events.find((e) => e.error)?.error;
      if (failed) reject(new RigError(`${what} failed: ${String(failed)}`));
      else resolve();
    });
  });
}

/** `image` as the nodes pull it: from the rig's registry. */
export const inRegistry = (swarm: Swarm, image: string) => `${swarm.names.registry}/${image}`;

/** Builds (once) and pushes the tests' images through the manager, as a deploy will: only the registry feeds the workers. */
async function pushImages(local: Docker, swarm: Swarm, log: (line: string) => void): Promise<void> {
  for (const [image, folder] of SWARM_IMAGES) {
    if (!(await local.getImage(image).inspect().then(() => true, () => false))) {
      log(`building ${image}`);
      await buildSwarmImage(local, image, folder);
    }
  }
  await copyImages(local, swarm.manager.docker, SWARM_IMAGES.map(([image]) => image), log);
  for (const [image] of SWARM_IMAGES) {
    const target = inRegistry(swarm, image);
    const [repo, tag] = [target.slice(0, target.lastIndexOf(':')), target.slice(target.lastIndexOf(':') + 1)];
    await swarm.manager.docker.getImage(image).tag({ repo, tag });
    const pushed = await swarm.manager.docker.getImage(target).push({ tag });
    await followOrFail(swarm.manager.docker, pushed, `pushing ${target} to the rig's registry`);
  }
}

/**
 * The swarm, up: three engines and sshds, node 1 manager of a 3-node swarm, the
 * registry answering, the tests' images pushed. Idempotent: what runs is reused,
 * an engine that stopped is started again (it rejoins by itself); a folder whose
 * engines all died is removed first.
 */
export async function ensureSwarm(local: Docker, log: (line: string) => void): Promise<Swarm> {
  if (process.getuid?.() !== 0) throw new RigError('The swarm needs root (network namespaces, dockerd, sshd); run the rig as root.');
  const missing = commandMissing() ?? (fs.existsSync('/usr/bin/docker-registry') ? undefined : 'docker-registry is not installed; install Debian\'s docker-registry.');
  if (missing) throw new RigError(missing);
  const names = swarmNames();
  if (removeIfStale(names)) log('removed a stale swarm folder an earlier run left');
  writeState({ ...readState(), swarm: names });
  switchScript('up', names);
  for (let i = 0; i < names.nodes.length; i++) nodeScript('up', names, i);
  const swarm = swarmOf(names);
  for (const node of swarm.nodes) {
    await waitFor('dockerd', () => node.docker.ping().then(() => true, () => false), path.join(node.names.dir, 'dockerd.log'), `swarm node ${node.names.alias}`);
  }
  for (const node of swarm.nodes) {
    const sshWorks = () => spawnSync('ssh', ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', node.names.alias!, 'true'], { env: swarm.env }).status === 0;
    await waitFor('sshd', sshWorks, path.join(node.names.dir, 'sshd.log'), `swarm node ${node.names.alias}`);
  }
  await joinSwarm(swarm);
  const registryAnswers = () => fetch(`http://${names.registry}/v2/`).then((r) => r.ok, () => false);
  await waitFor('registry', registryAnswers, path.join(names.dir, 'registry.log'), 'swarm');
  await pushImages(local, swarm, log);
  return swarm;
}

/** `docker <args>` against the manager over ssh://, as a user's CLI would run it; stdout, or a RigError with the tail of stderr. */
export function managerDocker(swarm: Swarm, args: readonly string[], env: Record<string, string> = {}): string {
  const run = spawnSync('docker', args, { encoding: 'utf8', env: { ...swarm.env, ...env, DOCKER_HOST: swarm.manager.dockerHost } });
  if (run.status !== 0) throw new RigError(`docker ${args.join(' ')} on the swarm failed (exit code ${run.status}): ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  return run.stdout;
}
