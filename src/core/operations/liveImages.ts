import type Docker from 'dockerode';
import { CommandFailedError, errorMessage } from '../common/errors';
import type { DualEnvConfig } from '../config';
import { asDockerError, isApiError } from '../docker/client';
import { readProjectContainers } from '../docker/discovery';

export function splitImageName(name: string): { repo: string; tag: string } {
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > slash ? { repo: name.slice(0, colon), tag: name.slice(colon + 1) } : { repo: name, tag: 'latest' };
}

/** The image name compose runs a service under (`image:` of the compose file). */
export function configuredImage(config: DualEnvConfig, service: string): string {
  const image = config.services.get(service)?.image;
  if (!image) throw new CommandFailedError(`Service ${service} in ${config.file} has no \`image:\` name, so Dual Env cannot keep its previous image for a rollback; add one.`, null, '');
  return image;
}

async function tag(docker: Docker, imageId: string, name: string): Promise<void> {
  const { repo, tag: tagName } = splitImageName(name);
  try {
    await docker.getImage(imageId).tag({ repo, tag: tagName });
  } catch (error) {
    throw new CommandFailedError(`Could not tag image ${imageId.slice(0, 19)} as ${name}: ${errorMessage(error)}`, null, '', { cause: error });
  }
}

/**
 * Tags each image (service → image id) as `<repo>:rollback-<stamp>`, so the build
 * that moves `<repo>:<tag>` to a new image cannot orphan it and a rollback can bring it back.
 */
export async function tagForRollback(docker: Docker, config: DualEnvConfig, images: Record<string, string>, stamp: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  for (const [service, imageId] of Object.entries(images)) {
    const name = `${splitImageName(configuredImage(config, service)).repo}:rollback-${stamp}`;
    await tag(docker, imageId, name);
    tags[service] = name;
  }
  return tags;
}

/** Refuses, before anything changes, when an image to bring back (service → image id) is gone from the Docker host. */
export async function assertImagesPresent(docker: Docker, images: Record<string, string>): Promise<void> {
  for (const [service, imageId] of Object.entries(images)) {
    try {
      await docker.getImage(imageId).inspect();
    } catch (error) {
      // only the engine's own "no such image" says it is gone; an engine that does not answer says nothing about it
      if (!isApiError(error) || error.statusCode !== 404) throw asDockerError(error, docker);
      throw new CommandFailedError(`The image ${imageId.slice(0, 19)} that ${service} ran before is gone from the Docker host, so it cannot be brought back; rebuild that version instead.`, null, '', { cause: error });
    }
  }
}

/** Points each service's configured image name back at the given image id (service → image id). */
export async function restoreImageNames(docker: Docker, config: DualEnvConfig, images: Record<string, string>): Promise<void> {
  await assertImagesPresent(docker, images);
  for (const [service, imageId] of Object.entries(images)) await tag(docker, imageId, configuredImage(config, service));
}

/**
 * The image each service would go back to, by service, whether it runs or not:
 * its container's (a running one first; a stopped one still names the image it
 * ran), else, with no container at all, the image its compose name points at
 * now. Read before a build, so that no service is left on the new build by a
 * rollback. A service with neither has nothing to go back to and is left out.
 */
export async function previousImages(docker: Docker, config: DualEnvConfig, services: readonly string[]): Promise<Record<string, string>> {
  const containers = await readProjectContainers(docker, config.projectName, services);
  const out: Record<string, string> = {};
  for (const service of services) {
    const own = containers.filter((c) => c.service === service && c.imageId);
    const container = own.find((c) => c.state === 'running') ?? own[0];
    const imageId = container?.imageId ?? await imageIdOf(docker, configuredImage(config, service));
    if (imageId) out[service] = imageId;
  }
  return out;
}

/** The id of the image a name points at, or undefined when there is no such image. */
async function imageIdOf(docker: Docker, name: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(name).inspect()).Id;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw new CommandFailedError(`Could not read image ${name}: ${errorMessage(error)}`, null, '', { cause: error });
  }
}

/** The images the services' running containers run now, by service (what a deploy or rollback left running); a service without one is left out. */
export async function runningImages(docker: Docker, projectName: string, services: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const container of await readProjectContainers(docker, projectName, services)) {
    if (container.state === 'running' && container.imageId) out[container.service] = container.imageId;
  }
  return out;
}

/** The configured images' ids now (after a build), by service. */
export async function builtImages(docker: Docker, config: DualEnvConfig, services: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const service of services) out[service] = (await docker.getImage(configuredImage(config, service)).inspect()).Id;
  return out;
}

/**
 * Removes the `rollback-*` tags of the services' images whose image no kept
 * backup names and no container runs: each production deploy adds one per
 * service, and nothing else would ever clear them off the Docker host.
 * Best effort: a tag Docker refuses to remove stays. Returns the removed names.
 */
export async function pruneRollbackTags(docker: Docker, config: DualEnvConfig, services: readonly string[], keepImageIds: ReadonlySet<string>): Promise<string[]> {
  const repos = new Set(services.map((service) => splitImageName(configuredImage(config, service)).repo));
  const inUse = new Set((await docker.listContainers({ all: true })).map((c) => c.ImageID));
  const removed: string[] = [];
  for (const repo of repos) {
    for (const image of await docker.listImages({ filters: { reference: [`${repo}:rollback-*`] } })) {
      if (keepImageIds.has(image.Id) || inUse.has(image.Id)) continue;
      for (const name of (image.RepoTags ?? []).filter((t) => t.startsWith(`${repo}:rollback-`))) {
        try {
          await docker.getImage(name).remove();
          removed.push(name);
        } catch {
          // still needed by something Docker knows of: it stays
        }
      }
    }
  }
  return removed;
}

