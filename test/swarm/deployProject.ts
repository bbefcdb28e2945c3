// The Swarm suite's deployed project (fixtures/deploy-stack) in a git repository of its
// own, for the deploy tests and the Swarm deploy benchmark: its stack, the front's URL,
// git in it, and how to read the tasks Swarm runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SWARM_FRONT_IMAGE, inRegistry, managerDocker, type Swarm } from '../rig';

export const DEPLOY_FIXTURE = path.join(__dirname, 'fixtures', 'deploy-stack');
export const DEPLOY_STACK = 'dual-env-swarm-deploy';

export interface DeployProject {
  dir: string;
  /** Its compose file, for `dual-env --file`. */
  file: string;
  /** production's front, through the manager's host-mode port. */
  front: string;
  git(...args: string[]): string;
  /** The stack removed, then the folder. */
  remove(): Promise<void>;
}

/** `docker stack rm`, then until its network is gone: removal ends after the command returns, and a deploy meanwhile fails. */
export async function removeStack(swarm: Swarm, stack = DEPLOY_STACK): Promise<void> {
  managerDocker(swarm, ['stack', 'rm', stack]);
  const left = async () => (await swarm.manager.docker.listNetworks({ filters: { label: [`com.docker.stack.namespace=${stack}`] } })).length > 0;
  while (await left()) await new Promise((resolve) => setTimeout(resolve, 500));
}

/** A copy of a fixture folder in a git repository of its own on branch main, with `dotEnv` as its (ignored) .env, committed once ("web v1"). */
export function fixtureRepository(fixture: string, dotEnv: string): { dir: string; git(...args: string[]): string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dual-env-swarm-${path.basename(fixture)}-`));
  fs.cpSync(fixture, dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '.env'), dotEnv);
  fs.writeFileSync(path.join(dir, '.gitignore'), '.env\n');
  const git = (...args: string[]) => {
    const run = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 0, `git ${args.join(' ')}: ${run.stderr}`);
    return run.stdout.trim();
  };
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'swarm@dual-env.test');
  git('config', 'user.name', 'Swarm Suite');
  git('add', '.');
  git('commit', '-qm', 'web v1');
  return { dir, git };
}

/** A fresh copy of the project on branch main with one commit (web v1), no stack of it on the swarm. */
export async function deployProject(swarm: Swarm): Promise<DeployProject> {
  process.env.SWARM_REGISTRY = swarm.names.registry;
  // a stack left by an earlier run would make the first deploy an update
  await removeStack(swarm);
  // from .env only, as a project keeps it: docker stack deploy must get it although it never reads .env
  const { dir, git } = fixtureRepository(DEPLOY_FIXTURE, `FRONT_IMAGE=${inRegistry(swarm, SWARM_FRONT_IMAGE)}\n`);
  return {
    dir, file: path.join(dir, 'docker-compose-dual-env.yml'), front: `http://${swarm.names.nodes[0].serverIp}/`, git,
    async remove() {
      await removeStack(swarm);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Tasks Swarm wants running for a service of the stack, each with its node's hostname, state and image. */
export async function runningTasks(swarm: Swarm, service: string, stack = DEPLOY_STACK) {
  const docker = swarm.manager.docker;
  const hostnames = new Map((await docker.listNodes()).map((n) => [n.ID, n.Description?.Hostname]));
  const tasks = await docker.listTasks({ filters: { service: [`${stack}_${service}`], 'desired-state': ['running'] } }) as Array<{ NodeID: string; Status: { State: string }; Spec: { ContainerSpec: { Image: string } } }>;
  return tasks.map((t) => ({ node: hostnames.get(t.NodeID), state: t.Status.State, image: t.Spec.ContainerSpec.Image }));
}
