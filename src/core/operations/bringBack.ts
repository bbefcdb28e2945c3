import type { Environment } from '../config';
import { ensureServicesUp, recreateServices } from '../compose/composeRunner';
import type { BackupSummary, SafetyRecord } from './backupPort';
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
  /** Keep what the database holds up to the swap as a safety backup, recording these (the commit and images that ran with that data). */
  safetyBackup?: SafetyRecord;
  /** Told the safety backup as soon as it is verified, before the images and containers change. */
  onSafetyBackup?: (backup: BackupSummary) => void;
  /** Cancels the restore until its swap; the default never does. */
  signal?: AbortSignal;
  /** Marks each step for the point-of-no-return answer; 'restore' is entered as the swap begins. */
  enter: (step: string) => void;
}

/**
 * Puts an environment back as it was when a backup was taken: the backup's data,
 * then the images recorded with it under their compose names, recreated, healthy.
 * Cancellable (with `signal`) only while the backup loads beside the live data;
 * from the swap on it runs to its end.
 */
export async function bringBack(deps: OperationDeps, options: BringBackOptions, progress: ProgressReporter): Promise<Record<string, string>> {
  const { environment, backup } = options;
  const { built, others } = builtServices(deps.config, environment);
  const images = Object.fromEntries(Object.entries(options.images ?? backup.images ?? {}).filter(([service]) => built.includes(service)));

  // data and code go back together or not at all: a missing image must stop us before the database changes
  await assertImagesPresent(deps.docker, images);
  progress.running('restore', `Restoring the database from backup ${backup.id}`);
  const { safetyBackup } = await deps.backups.restore(
    { environment, backupId: backup.id, safetyBackup: options.safetyBackup, onPointOfNoReturn: () => options.enter('restore') },
    options.signal ?? new AbortController().signal,
    (event) => progress.log('restore', event.logLine ?? event.message ?? ''),
  );
  if (safetyBackup) options.onSafetyBackup?.(safetyBackup);
  progress.done('restore', `Database restored from backup ${backup.id}${safetyBackup ? `; what it held up to then is safety backup ${safetyBackup.id}` : ''}`);

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
