import path from 'node:path';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { errorMessage } from '../common/errors';
import type { DualEnvConfig, EdgeConfig } from '../config';
import { callDocker } from '../docker/client';
import { projectFilter, serviceOf } from '../docker/discovery';
import { tarOfOneFile } from '../docker/singleFileTar';
import { byServiceName, LIVE_FILE_PATH, liveFileFor } from './edgeLiveFile';
import { NewVersionRejectedError } from './replaceWithoutDowntime';

/**
 * Points the edge's routes: writes its live file (service → a service or container
 * name) into the running edge container, has nginx test it and reload gracefully (the
 * old workers finish the requests they hold, the new ones route by the new file).
 * Engine API only (archive upload and exec with argument arrays), so it works on a
 * remote dockerHost too. Throws a sentence when any part fails; nginx keeps running
 * the routes it had when the test fails.
 */
export async function routeEdge(docker: Docker, config: DualEnvConfig, edge: EdgeConfig, routes: ReadonlyMap<string, string>): Promise<void> {
  const container = await edgeContainer(docker, config.projectName, edge.service);
  const tar = tarOfOneFile(path.posix.basename(LIVE_FILE_PATH), Buffer.from(liveFileFor(routes), 'utf8'), new Date(), 0o644);
  await callDocker(docker, () => container.putArchive(tar, { path: path.posix.dirname(LIVE_FILE_PATH) }));
  await execChecked(docker, container, ['nginx', '-t', '-q']);
  await execChecked(docker, container, ['nginx', '-s', 'reload']);
}

/** Service → the names of its running containers (without Docker's leading slash), those in `except` left out. */
export async function runningContainerNames(docker: Docker, projectName: string, services: readonly string[], except: ReadonlySet<string> = new Set()): Promise<Map<string, string[]>> {
  const found = new Map(services.map((service) => [service, [] as string[]]));
  const listed = await callDocker(docker, () => docker.listContainers({ filters: { ...projectFilter(projectName), status: ['running'] } }));
  for (const container of listed) {
    const service = serviceOf(container.Labels);
    if (service && found.has(service) && !except.has(container.Id)) found.get(service)!.push(container.Names[0].replace(/^\//, ''));
  }
  return found;
}

/**
 * Routes each of `services` to one of its running containers (the first by name), or by
 * its service name when none runs; the edge's other fronted services by service name.
 */
export async function pinTo(docker: Docker, config: DualEnvConfig, edge: EdgeConfig, services: readonly string[], except?: ReadonlySet<string>): Promise<Map<string, string>> {
  const running = await runningContainerNames(docker, config.projectName, services, except);
  const routes = byServiceName(edge.fronts);
  for (const [service, names] of running) if (names.length > 0) routes.set(service, [...names].sort()[0]);
  await routeEdge(docker, config, edge, routes);
  return routes;
}

/** Back to routing every fronted service by its service name; the failure in a few words, or undefined. */
export async function unpinEdge(docker: Docker, config: DualEnvConfig, edge: EdgeConfig): Promise<string | undefined> {
  return routeEdge(docker, config, edge, byServiceName(edge.fronts)).then(() => undefined, (error: unknown) => errorMessage(error));
}

async function edgeContainer(docker: Docker, projectName: string, service: string): Promise<Docker.Container> {
  const [running] = (await runningContainerNames(docker, projectName, [service])).get(service)!;
  if (!running) throw new Error(`the edge ${service} is not running`);
  return docker.getContainer(running);
}

/** Runs a command (an argument array, no shell) in the container; throws with its output when it exits non-zero. */
async function execChecked(docker: Docker, container: Docker.Container, command: string[]): Promise<void> {
  const { exitCode, output } = await callDocker(docker, async () => {
    // a TTY gives one undemultiplexed stream: the output is only read for the error sentence
    const exec = await container.exec({ Cmd: command, AttachStdout: true, AttachStderr: true, Tty: true });
    const stream = await exec.start({ hijack: true, stdin: false, Tty: true }) as unknown as Duplex;
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
    return { exitCode: (await exec.inspect()).ExitCode, output: Buffer.concat(chunks).toString('utf8') };
  });
  if (exitCode === 0) return;
  // nginx's lines, without the time and process it prefixes them with
  const said = output.split(/\r?\n/).map((line) => line.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[\w+\] \d+#\d+: /, '').trim()).filter(Boolean).slice(-2).join('; ');
  throw new Error(`\`${command.join(' ')}\` in the edge exited with code ${exitCode}${said ? ` (${said})` : ''}`);
}

/**
 * After a rollback, start or restart, which may have replaced the containers a deploy had
 * pinned (one that failed before its unpin): the environment's edge routes by service
 * names again. Nothing to do without an edge or while it is not running (it starts
 * unpinned); a failure is said on `log`, not thrown: the edge falls back by service name
 * when a pinned container is gone.
 */
export async function leaveEdgeUnpinned(docker: Docker, config: DualEnvConfig, edge: EdgeConfig | undefined, log: (line: string) => void): Promise<void> {
  if (!edge) return;
  const running = await runningContainerNames(docker, config.projectName, [edge.service]).catch(() => undefined);
  if (!running || running.get(edge.service)!.length === 0) return;
  const left = await unpinEdge(docker, config, edge);
  log(left ? `${edge.service} could not be set to route by service name (${left}); it falls back to the service name if a container it names is gone.` : `${edge.service} routes ${edge.fronts.join(', ')} by service name`);
}

/** A deploy's use of the edge: hold on the old containers, switch to the new ones, release. */
export interface EdgeSwitch {
  /** Pins the fronted services on their running containers before anything new starts; a failure is a NewVersionRejectedError (nothing new started). */
  holdOnOld(): Promise<void>;
  /** Once the new containers (those not in `old`, service → ids) are healthy, sends the fronted services' requests to them. Never throws. */
  switchToNew(old: ReadonlyMap<string, readonly string[]>): Promise<void>;
  /** Routes by service names again once one version runs. Never throws: says on the log what could not be done. */
  release(step: string): Promise<void>;
}

/** The edge's part in a deploy of `services`; undefined when the environment has no edge or it fronts none of them. */
export function edgeSwitchFor(docker: Docker, config: DualEnvConfig, edge: EdgeConfig | undefined, services: readonly string[], log: (step: string, line: string) => void): EdgeSwitch | undefined {
  const fronted = services.filter((service) => edge?.fronts.includes(service));
  if (!edge || fronted.length === 0) return undefined;
  const describe = (routes: ReadonlyMap<string, string>) => fronted.map((service) => `${service} on ${routes.get(service)}`).join(', ');
  return {
    async holdOnOld() {
      try {
        log('start', `${edge.service} holds ${describe(await pinTo(docker, config, edge, fronted))} until the new version is healthy`);
      } catch (error) {
        // the file may be written but not loaded: the next reload must not pick it up
        const failure = errorMessage(error).replace(/[.;\s]+$/, '');
        const left = await unpinEdge(docker, config, edge);
        const unpinned = !left ? '' : left.replace(/[.;\s]+$/, '') === failure ? ', nor be set back to service names (the same failure)' : `, nor be set back to service names (${left.replace(/[.;\s]+$/, '')})`;
        throw new NewVersionRejectedError(`The edge ${edge.service} could not hold requests on the running ${fronted.join(', ')} (${failure})${unpinned}; no new container was started`, { cause: error });
      }
    },
    // should the switch fail, the edge routes by service name (old and new, both healthy by now);
    // should that fail too, its fallback by service name catches requests for the old ones once gone
    async switchToNew(old) {
      try {
        log('switch', `${edge.service} sends requests to ${describe(await pinTo(docker, config, edge, fronted, new Set([...old.values()].flat())))}`);
      } catch (error) {
        const left = await unpinEdge(docker, config, edge);
        log('switch', `${edge.service} could not be switched to the new containers (${errorMessage(error)}); ${left ? `nor set back to service names (${left}): its fallback by service name serves once the old ones are gone` : 'it routes by service name to the old and the new, both healthy'}.`);
      }
    },
    async release(step) {
      const left = await unpinEdge(docker, config, edge);
      log(step, left
        ? `${edge.service} could not be set back to routing by service name (${left}); it goes on naming one container, and falls back to the service name if that one goes.`
        : `${edge.service} routes ${fronted.join(', ')} by service name again`);
    },
  };
}
