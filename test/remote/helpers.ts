import { PassThrough } from 'node:stream';
import { backupVolumeName } from '../../src/core/database';
import { serverStateNames } from '../../src/core/docker/serverState';
import { makeTempProject, type TempProject } from '../support/tempProject';
import { projectContainers, type EnvironmentName, type RemoteServer } from '../rig';

/**
 * A copy of the reference project whose production runs on the remote server
 * (`dockerHost: ssh://dual-env-remote`), as a user's project with a production
 * server would say; staging stays on the local engine.
 */
export function remoteProject(server: RemoteServer, dockerHost = server.dockerHost): TempProject {
  return projectOnHosts({ production: dockerHost });
}

/** A copy of the reference project with each environment named in `hosts` on that Docker host; the others on the local engine. */
export function projectOnHosts(hosts: Partial<Record<EnvironmentName, string>>): TempProject {
  const project = makeTempProject('main');
  let text = project.read('docker-compose-dual-env.yml');
  for (const [name, dockerHost] of Object.entries(hosts)) {
    const marker = `    ${name}:\n      label: ${name[0].toUpperCase()}${name.slice(1)}\n`;
    if (!text.includes(marker)) throw new Error(`the reference compose file no longer declares ${name} as the remote tests expect`);
    text = text.replace(marker, `${marker}      dockerHost: ${dockerHost}\n`);
  }
  project.write('docker-compose-dual-env.yml', text);
  return project;
}

/**
 * Runs SQL in the remote production database (or `service`'s) through the server's own socket and
 * the container's client: a path independent of the one under test, so a table
 * made here proves that what a backup read came from the server.
 */
export async function sqlOnServer(server: RemoteServer, sql: string, service = 'production-database'): Promise<string> {
  const [container] = await projectContainers(server.docker, [service]);
  if (!container) throw new Error(`${service} is not running on the remote server`);
  const exec = await server.docker.getContainer(container.Id).exec({
    Cmd: ['sh', '-c', 'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec mysql -uroot -N -B "$MYSQL_DATABASE" -e "$1"', 'sql', sql],
    AttachStdout: true, AttachStderr: true,
  });
  const stream = await exec.start({});
  const out = new PassThrough();
  const err = new PassThrough();
  server.docker.modem.demuxStream(stream, out, err);
  await new Promise((resolve) => stream.on('end', resolve));
  const { ExitCode } = await exec.inspect();
  const text = (s: PassThrough) => String(s.read() ?? '');
  if (ExitCode !== 0) throw new Error(`mysql on the server failed (exit code ${ExitCode}): ${text(err)}`);
  return text(out).trim();
}

/**
 * A previous run's state must not decide this one: the environments' locks, histories
 * and backups on the server go (through the server's own socket).
 */
export async function clearServerState(server: RemoteServer, projectName: string, environments: readonly EnvironmentName[]): Promise<void> {
  for (const environment of environments) {
    const names = serverStateNames(projectName, environment);
    for (const container of [names.lockContainer, names.stateContainer]) await server.docker.getContainer(container).remove({ force: true }).catch(() => undefined);
    for (const volume of [names.stateVolume, backupVolumeName(projectName, environment)]) await server.docker.getVolume(volume).remove().catch(() => undefined);
  }
}
