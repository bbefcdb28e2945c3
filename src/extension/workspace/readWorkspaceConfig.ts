import fs from 'node:fs';
import path from 'node:path';
import { errorMessage, isEngineError } from '../../core/common/errors';
import type { DualEnvConfig, IsolationFinding } from '../../core/config';
import type { Engine } from '../engineLoader';
import { l10n } from '../l10n';
import { withoutDeclaredDockerHosts } from '../restrictedMode';
import { applySettings, type DualEnvSettings } from '../settings/applySettings';

/** The workspace's compose file as the view can use it, or the state that says why it cannot. */
export type WorkspaceRead =
  | { state: 'ready'; config: DualEnvConfig; findings: IsolationFinding[]; restrictedNotice?: string; engine: Engine }
  | { state: 'noFolder' | 'noComposeFile' | 'configError'; problem: string; unexpected?: unknown };

/**
 * Reads the compose file with the engine's parser (which activation does not load,
 * and which is not loaded at all for a folder without a compose file), lays the
 * settings over it and checks isolation. In Restricted Mode the file's own Docker
 * hosts are dropped until the folder is trusted.
 */
export async function readWorkspaceConfig(loadEngine: () => Promise<Engine>, file: string | undefined, settings: DualEnvSettings, trusted: boolean): Promise<WorkspaceRead> {
  if (!file) return { state: 'noFolder', problem: l10n.t('Open a folder that holds docker-compose-dual-env.yml.') };
  if (!fs.existsSync(file)) return { state: 'noComposeFile', problem: l10n.t('There is no {0} in {1}.', path.basename(file), path.dirname(file)) };
  const engine = await loadEngine();
  try {
    const loaded = engine.loadConfig(file);
    const { config: restricted, ignored } = trusted ? { config: loaded, ignored: [] } : withoutDeclaredDockerHosts(loaded);
    const config = applySettings(restricted, settings);
    const restrictedNotice = ignored.length > 0
      ? l10n.t('Restricted Mode: the status ignores dockerHost in x-dual-env ({0}) and reads DOCKER_HOST or the local socket until this folder is trusted.', ignored.join(', '))
      : undefined;
    return { state: 'ready', config, findings: engine.checkIsolation(config), restrictedNotice, engine };
  } catch (error) {
    // a ConfigError says what is wrong with the file; anything else is ours, and goes to the log whole
    return { state: 'configError', problem: errorMessage(error), unexpected: isEngineError(error) ? undefined : error };
  }
}
