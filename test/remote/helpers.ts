import { makeTempProject, type TempProject } from '../support/tempProject';
import type { RemoteServer } from '../rig';

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
