import { PassThrough } from 'node:stream';
import { makeTempProject, type TempProject } from '../support/tempProject';
import { projectContainers, type RemoteServer } from '../rig';

/**
 * A copy of the reference project whose production runs on the remote server
 * (`dockerHost: ssh://dual-env-remote`), as a user's project with a production
 * server would say; staging stays on the local engine.
 */
export function remoteProject(server: RemoteServer, dockerHost = server.dockerHost): TempProject {
  const project = makeTempProject('main');
  const text = project.read('docker-compose-dual-env.yml');
  const marker = '    production:\n      label: Production\n';
  if (!text.includes(marker)) throw new Error('the reference compose file no longer declares production as the remote tests expect');
  project.write('docker-compose-dual-env.yml', text.replace(marker, `${marker}      dockerHost: ${dockerHost}\n`));
  return project;
}

/**
 * Runs SQL in the remote production database through the server's own socket and
 * the container's client: a path independent of the one under test, so a table
 * made here proves that what a backup read came from the server.
 */
export async function sqlOnServer(server: RemoteServer, sql: string): Promise<string> {
  const [container] = await projectContainers(server.docker, ['production-database']);
  if (!container) throw new Error('production-database is not running on the remote server');
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
