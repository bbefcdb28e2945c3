import type { Environment } from '../config';
import { ensureServicesUp, recreateServices } from '../compose/composeRunner';
import type { BackupSummary } from './backupPort';
import { assertImagesPresent, restoreImageNames } from './liveImages';
import { builtServices, targetFor, type OperationDeps } from './operationContext';
import type { ProgressReporter } from '../common/progress';
import { waitForHealth } from './waitForHealth';

export interface BringBackOptions {
  environment: Environment;
  backup: BackupSummary;
  /** Service → image id to run again; default the images recorded with the backup. */
  images?: Record<string, string>;
  healthTimeoutMs: number;
  /** Back up the current data before it is replaced (when the caller took no safety backup itself). */
  safetyBackup?: boolean;
  /** Marks each step for the point-of-no-return answer. */
  enter: (step: string) => void;
}

/**
 * Puts an environment back as it was when a backup was taken: the backup's data,
 * then the images recorded with it under their compose names, recreated, healthy.
 * Runs past the point of no return, so it is never cancelled half-way.
 */
export async function bringBack(deps: OperationDeps, options: BringBackOptions, progress: ProgressReporter): Promise<Record<string, string>> {
  const { environment, backup } = options;
  const never = new AbortController().signal;
  const { built, others } = builtServices(deps.config, environment);
  const images = Object.fromEntries(Object.entries(options.images ?? backup.images ?? {}).filter(([service]) => built.includes(service)));

  // data and code go back together or not at all: a missing image must stop us before the database changes
  await assertImagesPresent(deps.docker, images);
  options.enter('restore');
  progress.running('restore', `Restoring the database from backup ${backup.id}`);
  await deps.backups.restore({ environment, backupId: backup.id, safetyBackup: options.safetyBackup }, never, (event) => progress.log('restore', event.logLine ?? event.message ?? ''));
  progress.done('restore', `Database restored from backup ${backup.id}`);

  options.enter('images');
  const missing = built.filter((service) => !images[service]);
  if (missing.length > 0) progress.running('images', `Backup ${backup.id} recorded no image for ${missing.join(', ')}; they keep their current image.`);
  await restoreImageNames(deps.docker, deps.config, images);
  progress.done('images', `Images of ${Object.keys(images).join(', ') || 'no service'} brought back`);

  options.enter('recreate');
  const target = targetFor(deps, environment, backup.gitCommit);
  const onLine = (line: string) => progress.log('recreate', line);
  await recreateServices(target, built, { onLine });
  if (others.length > 0) await ensureServicesUp(target, others, { onLine });
  progress.done('recreate', `Recreated ${built.join(', ')}`);

  options.enter('health');
  progress.running('health', `Waiting for ${environment.label} to be healthy`);
  await waitForHealth(deps.docker, deps.config, environment.services, { timeoutMs: options.healthTimeoutMs, onStatus: (line) => progress.log('health', line) });
  progress.done('health', `${environment.label} is healthy`);
  return images;
}
