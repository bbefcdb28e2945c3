import type { DualEnvConfig } from '../config';
import type { GitRepository } from '../git';

/**
 * The project's git working tree as the deploys see it: every environment's
 * backup folder is outside what counts as a change and what gets committed.
 */
export function projectRepository(config: DualEnvConfig, signal?: AbortSignal): GitRepository {
  return { dir: config.projectDir, signal, neverCommit: config.environments.map((e) => e.backups.folder) };
}
