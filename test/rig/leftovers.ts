// What earlier runs left on an engine that outlived them. A CI machine can start
// with the Docker state of the machine it was made from: another checkout's stack
// still holding the seed's ports, or this checkout's database volumes initialised
// with the passwords of a .env that no longer exists.
import type Docker from 'dockerode';
import { RIG_LABEL, checkoutProjects } from './paths';

/** Every name a rig or a test of this project gives what it creates on an engine. */
const OURS = /^\/?dual-env[-.]/;
const composeProjectOf = (labels: Record<string, string> | undefined) => labels?.['com.docker.compose.project'] ?? '';
const isOurs = (name: string, labels: Record<string, string> | undefined) =>
  OURS.test(name) || OURS.test(composeProjectOf(labels)) || Boolean(labels?.[RIG_LABEL]);

/** The stack's containers, volumes and networks, its standalone servers, and the lock and state objects named after it. */
const ofProject = (project: string, name: string, labels: Record<string, string> | undefined) => {
  const bare = name.replace(/^\//, '');
  return composeProjectOf(labels) === project || bare.startsWith(`${project}-db-`) || bare.includes(`.${project}.`);
};

export interface LeftoverScope {
  /** true: every rig's (CI); false: only this checkout's compose projects and servers. */
  everyCheckout: boolean;
}

/**
 * Removes containers (with their anonymous volumes), named volumes and networks
 * of the rig and its tests. Images stay: they carry no passwords, and building
 * them again costs minutes.
 */
export async function removeLeftovers(docker: Docker, scope: LeftoverScope, log: (line: string) => void): Promise<void> {
  const inScope = (name: string, labels: Record<string, string> | undefined) =>
    isOurs(name, labels) && (scope.everyCheckout || checkoutProjects.some((project) => ofProject(project, name, labels)));

  const containers = (await docker.listContainers({ all: true })).filter((c) => inScope(c.Names[0] ?? '', c.Labels));
  for (const container of containers) await docker.getContainer(container.Id).remove({ force: true, v: true });

  const { Volumes } = await docker.listVolumes();
  const volumes = (Volumes ?? []).filter((v) => inScope(v.Name, v.Labels ?? undefined));
  for (const volume of volumes) await docker.getVolume(volume.Name).remove({ force: true }).catch(() => undefined);

  const networks = (await docker.listNetworks()).filter((n) => inScope(n.Name, n.Labels));
  for (const network of networks) await docker.getNetwork(network.Id).remove().catch(() => undefined);

  if (containers.length + volumes.length + networks.length > 0) {
    log(`removed what earlier runs left: ${containers.length} containers, ${volumes.length} volumes, ${networks.length} networks`);
  }
}
