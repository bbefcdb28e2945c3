import { errorMessage } from '../common/errors';
import type { Environment } from '../config';
import { SafetyBackupFailedError } from '../database';
import { ensureServicesUp, recreateServices } from '../compose/composeRunner';
import { leaveEdgeUnpinned } from './edgeSwitch';
import type { BackupSummary, SafetyRecord } from './backupPort';
import { commitOfImages } from './imageCommit';
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
  /** Marks each step for the point-of-no-return answer (and, awaited, the history line); 'restore' is entered as the swap begins. */
  enter: (step: string) => void | Promise<void>;
}

/**
 * Puts an environment back as it was when a backup was taken: the backup's data,
 * then the images recorded with it under their compose names, recreated, healthy.
 * Cancellable (with `signal`) only while the backup loads beside the live data;
 * from the swap on it runs to its end. A safety backup that fails after the swap
 * does not stop it: the data is the backup's already, and the code must follow it;
 * that failure, which names where the previous data is kept, is thrown at the end.
 */
export async function bringBack(deps: OperationDeps, options: BringBackOptions, progress: ProgressReporter): Promise<Record<string, string>> {
  const { environment, backup } = options;
  const { built } = builtServices(deps.config, environment);
  const images = Object.fromEntries(Object.entries(options.images ?? backup.images ?? {}).filter(([service]) => built.includes(service)));

  // data and code go back together or not at all: a missing image must stop us before the database changes
  await assertImagesPresent(deps.docker, images);
  const restored = await restoreData(deps, options, progress);
  await thenCode(restored, options, () => bringBackCode(deps, options, images, progress));
  return images;
}

/** What a restore left: the safety backup, or its failure after the swap, which the code that follows must not be stopped by. */
export interface RestoredData {
  safetyBackup?: BackupSummary;
  safetyFailure?: SafetyBackupFailedError;
}

/**
 * The backup's data loaded beside the live data (cancellable) and swapped in, what the
 * database held up to the swap kept as a safety backup; a safety backup that failed
 * after the swap is returned, not thrown: the data is the backup's already.
 */
export async function restoreData(deps: Pick<OperationDeps, 'backups'>, options: Omit<BringBackOptions, 'images' | 'healthTimeoutMs'>, progress: ProgressReporter): Promise<RestoredData> {
  const { environment, backup } = options;
  progress.running('restore', `Restoring the database from backup ${backup.id}`);
  let safetyBackup: BackupSummary | undefined;
  let safetyFailure: SafetyBackupFailedError | undefined;
  try {
    ({ safetyBackup } = await deps.backups.restore(
      { environment, backupId: backup.id, safetyBackup: options.safetyBackup, onPointOfNoReturn: () => options.enter('restore') },
      options.signal ?? new AbortController().signal,
      (event) => progress.log('restore', event.logLine ?? event.message ?? ''),
    ));
  } catch (error) {
    if (!(error instanceof SafetyBackupFailedError)) throw error;
    progress.failed('restore', error.message);
    safetyFailure = error;
  }
  if (safetyBackup) options.onSafetyBackup?.(safetyBackup);
  if (!safetyFailure) progress.done('restore', `Database restored from backup ${backup.id}${safetyBackup ? `; what it held up to then is safety backup ${safetyBackup.id}` : ''}`);
  return { safetyBackup, safetyFailure };
}

/** Brings the code back after the data (`code`), then says what a failed safety backup left, with or after the code's own failure. */
export async function thenCode(restored: RestoredData, options: Pick<BringBackOptions, 'environment' | 'backup'>, code: () => Promise<void>): Promise<void> {
  const { safetyFailure } = restored;
  try {
    await code();
  } catch (error) {
    if (!safetyFailure) throw error;
    throw new SafetyBackupFailedError(`${errorMessage(error)} Also: ${safetyFailure.message}`, safetyFailure.holdingDatabase, { cause: error });
  }
  if (safetyFailure) throw new SafetyBackupFailedError(`${options.environment.label} runs the data and images of backup ${options.backup.id} and is healthy. ${safetyFailure.message}`, safetyFailure.holdingDatabase, { cause: safetyFailure, healthy: true });
}

/** The images recorded with the backup, under their compose names, recreated and healthy. */
async function bringBackCode(deps: OperationDeps, options: BringBackOptions, images: Record<string, string>, progress: ProgressReporter): Promise<void> {
  const { environment, backup } = options;
  const { built, others } = builtServices(deps.config, environment);

  await options.enter('images');
  const missing = built.filter((service) => !images[service]);
  if (missing.length > 0) progress.running('images', `Backup ${backup.id} recorded no image for ${missing.join(', ')}; they keep their current image.`);
  await restoreImageNames(deps.docker, deps.config, images);
  progress.done('images', `Images of ${Object.keys(images).join(', ') || 'no service'} brought back`);

  await options.enter('recreate');
  // a backup that recorded no commit still brings back images that carry it
  const target = targetFor(deps, environment, backup.gitCommit ?? await commitOfImages(deps.docker, Object.values(images)));
  const onLine = (line: string) => progress.log('recreate', line);
  progress.running('recreate', `Replacing ${built.join(', ')}`);
  await recreateServices(target, built, { onLine });
  if (others.length > 0) await ensureServicesUp(target, others, { onLine });
  await leaveEdgeUnpinned(deps.docker, deps.config, environment.edge, onLine);
  progress.done('recreate', `Recreated ${built.join(', ')}`);

  await options.enter('health');
  progress.running('health', `Waiting for ${environment.label} to be healthy`);
  await waitForHealth(deps.docker, deps.config, environment.services, { timeoutMs: options.healthTimeoutMs, onStatus: (line) => progress.log('health', line) });
  progress.done('health', `${environment.label} is healthy`);
}
