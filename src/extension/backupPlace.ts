import type { Environment } from '../core/config';
import type { BackupPlace } from '../core/database/backupPlace';
import { loadEngine } from './engineLoader';
import type { ProjectModel } from './workspace/projectModel';

/**
 * Where an environment of a folder keeps its backups, chosen as the CLI chooses
 * (`backupPlaceOf`): its backups folder, or the volume on its server. The tree and
 * every backup command read and act through this, never through a folder path.
 */
export async function backupPlaceFor(project: ProjectModel, environment: Environment): Promise<BackupPlace> {
  const config = project.config;
  if (!config) throw new Error(project.problem ?? 'There is no compose file to read the backups of.');
  const engine = await loadEngine();
  return engine.backupPlaceOf(config, environment);
}
