import fs from 'node:fs';
import path from 'node:path';
import { rigDir } from './paths';

/** A refusal of the rig: one sentence, exit code 1, nothing deleted. */
export class RigError extends Error {}

export interface RigState {
  /** Set only when the rig started dockerd itself. */
  dockerdPid?: number;
  /** Images the rig built (removed by rig:down). */
  images?: string[];
  /** The rig wrote .env (and so may delete it). */
  wroteEnvFile?: boolean;
  /** Set while the rig's remote server exists (test/rig/remote.ts). */
  remote?: RemoteNames;
  /** Set while the second remote server exists (tests of environments on two servers). */
  secondRemote?: RemoteNames;
  /** Set while the rig's swarm exists (test/rig/swarm.ts). */
  swarm?: SwarmNames;
}

/** The rig's 3-node swarm: a switch namespace with the registry, and three remote-host.sh nodes on it. */
export interface SwarmNames {
  dir: string;
  switchNetns: string;
  /** Root side of the client's pair into the switch. */
  rootVeth: string;
  clientIp: string;
  registryIp: string;
  /** `host:port` of the registry every node pulls from (and the manager pushes to). */
  registry: string;
  /** Swarm's pool for overlay networks, private to this rig instance. */
  addressPool: string;
  nodes: RemoteNames[];
}

/** What the rig's remote server is made of, per rig instance. */
export interface RemoteNames {
  dir: string;
  netns: string;
  veth: string;
  clientIp: string;
  serverIp: string;
  /** The ssh alias (absent in state written before there was a second server: dual-env-remote). */
  alias?: string;
}

const stateFile = path.join(rigDir, 'state.json');

export function readState(): RigState {
  try {
    return JSON.parse(fs.readFileSync(stateFile, 'utf8')) as RigState;
  } catch {
    return {};
  }
}

export function writeState(state: RigState): void {
  fs.mkdirSync(rigDir, { recursive: true });
  fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
}
