// What Dual Env keeps on a remote engine for one environment, as Docker objects there,
// so that everyone deploying to that engine sees the same: the lock (a container created
// and never started; its name is the test-and-set) and a volume holding files such as the
// deploy history, read and written through the archive API of a never-started container
// that mounts it (no exec, no running container, nothing listening).
import type Docker from 'dockerode';
import { DualEnvError } from '../common/errors';
import { callDocker, isApiError } from './client';
import { PROJECT_LABEL, SERVICE_LABEL } from './discovery';
import { firstFileOfTar, tarOfOneFile } from './singleFileTar';

/** Dual Env's state on a server could not be read or written. */
export class ServerStateError extends DualEnvError {
  readonly exitCode = 1;
}

export const STATE_LABEL = 'dual-env.state';
const STATE_MOUNT = '/dual-env-state';

/** The names of an environment's state objects on its engine; one project's environments never share them. */
export function serverStateNames(projectName: string, environment: string) {
  return {
    lockContainer: `dual-env-lock.${projectName}.${environment}`,
    stateContainer: `dual-env-state.${projectName}.${environment}`,
    stateVolume: `dual-env-state.${projectName}.${environment}`,
  };
}

/**
 * An image the engine certainly has, by id, for containers that are never started: creating
 * one never pulls, and a server may reach no registry. The environment's own containers'
 * images come first (the database's, which deploys do not rebuild, before the others), then
 * any image on the engine. Which image it is does not matter: nothing of it ever runs.
 */
export async function imageOnEngine(docker: Docker, projectName: string, services: readonly string[], preferred?: string): Promise<string> {
  const containers = await callDocker(docker, () => docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${projectName}`] } }));
  const rank = (service: string | undefined) => service === preferred ? 0 : service && services.includes(service) ? 1 : 2;
  const ours = containers.filter((c) => rank(c.Labels?.[SERVICE_LABEL]) < 2).sort((a, b) => rank(a.Labels?.[SERVICE_LABEL]) - rank(b.Labels?.[SERVICE_LABEL]));
  if (ours[0]?.ImageID) return ours[0].ImageID;
  const [any] = await callDocker(docker, () => docker.listImages());
  if (any?.Id) return any.Id;
  throw new ServerStateError('The Docker engine of this environment holds no image yet, so Dual Env cannot keep its lock and history there; deploy once with Compose (or load any image), then try again.');
}

/** A container that is created and never started: no network, no command worth running. */
function idleContainer(name: string, image: string, labels: Record<string, string>, mounts: Docker.MountSettings[] = []): Docker.ContainerCreateOptions {
  return {
    // an image's labels are inherited: a built image's compose labels must not make this a container of the project
    name, Image: image, Cmd: ['true'], Entrypoint: [], Labels: { [PROJECT_LABEL]: '', [SERVICE_LABEL]: '', ...labels }, NetworkDisabled: true,
    HostConfig: { NetworkMode: 'none', RestartPolicy: { Name: 'no' }, Mounts: mounts },
  };
}

/** Creates the lock container; false when one of that name exists (Docker answers 409), which is the atomic test-and-set. */
export async function createLockContainer(docker: Docker, name: string, image: string, labels: Record<string, string>): Promise<boolean> {
  try {
    await callDocker(docker, () => docker.createContainer(idleContainer(name, image, { ...labels, [STATE_LABEL]: 'lock' })));
    return true;
  } catch (error) {
    if (isApiError(error) && error.statusCode === 409) return false;
    throw error;
  }
}

/** The lock container's id and labels; undefined when there is none. */
export async function readLockContainer(docker: Docker, name: string): Promise<{ id: string; labels: Record<string, string> } | undefined> {
  try {
    const info = await callDocker(docker, () => docker.getContainer(name).inspect());
    return { id: info.Id, labels: info.Config.Labels ?? {} };
  } catch (error) {
    if (isApiError(error) && error.statusCode === 404) return undefined;
    throw error;
  }
}

/** Removes a lock container by id, so that a lock taken since under the same name is never removed; gone already is fine. */
export async function removeLockContainer(docker: Docker, id: string): Promise<void> {
  try {
    await callDocker(docker, () => docker.getContainer(id).remove({ force: true }));
  } catch (error) {
    if (isApiError(error) && error.statusCode === 404) return;
    throw error;
  }
}

type StateNames = ReturnType<typeof serverStateNames>;

/** A file of the state volume; '' when the volume, its container or the file do not exist yet. */
export async function readStateFile(docker: Docker, names: StateNames, file: string): Promise<string> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await callDocker(docker, () => docker.getContainer(names.stateContainer).getArchive({ path: `${STATE_MOUNT}/${file}` }));
  } catch (error) {
    if (isApiError(error) && error.statusCode === 404) return '';
    throw error;
  }
  const chunks: Buffer[] = [];
  await callDocker(docker, async () => {
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  });
  return firstFileOfTar(Buffer.concat(chunks))?.toString('utf8') ?? '';
}

/** Replaces a file of the state volume, creating the volume and its container the first time. */
export async function writeStateFile(docker: Docker, names: StateNames, image: () => Promise<string>, file: string, content: string): Promise<void> {
  const tar = tarOfOneFile(file, Buffer.from(content, 'utf8'), new Date());
  const put = () => callDocker(docker, () => docker.getContainer(names.stateContainer).putArchive(tar, { path: STATE_MOUNT }));
  try {
    await put();
    return;
  } catch (error) {
    if (!isApiError(error) || error.statusCode !== 404) throw error;
  }
  const mount: Docker.MountSettings = { Type: 'volume', Source: names.stateVolume, Target: STATE_MOUNT };
  try {
    await callDocker(docker, async () => docker.createContainer(idleContainer(names.stateContainer, await image(), { [STATE_LABEL]: 'files' }, [mount])));
  } catch (error) {
    // another teammate's first write made it in between: use theirs
    if (!isApiError(error) || error.statusCode !== 409) throw error;
  }
  await put();
}
