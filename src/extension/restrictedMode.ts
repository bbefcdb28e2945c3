// What an untrusted compose file may not decide. Pure: unit-tested under Node.
import type { DualEnvConfig } from '../core/config/model';

/**
 * The config without the compose file's own `dockerHost` values, and which were
 * dropped (`production: ssh://deploy@server`). In Restricted Mode the file must not
 * send the status monitor to a host of its choosing (for ssh:// that runs the
 * system ssh with the user's keys), so DOCKER_HOST or the local socket is used.
 * Apply it before the settings: VS Code then reads dualEnv.dockerHost from the
 * user's own settings only, so that one may still name a host.
 */
export function withoutDeclaredDockerHosts(config: DualEnvConfig): { config: DualEnvConfig; ignored: string[] } {
  const ignored = config.environments.filter((e) => e.dockerHost).map((e) => `${e.name}: ${e.dockerHost}`);
  if (ignored.length === 0) return { config, ignored };
  return { config: { ...config, environments: config.environments.map((e) => ({ ...e, dockerHost: undefined })) }, ignored };
}
