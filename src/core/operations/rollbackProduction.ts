import { UsageError, errorMessage } from '../common/errors';
import { backupPlaceOf } from './backupPlaceOf';
import type { BackupSummary } from './backupPort';
import { bringBack } from './bringBack';
import { refuseUnlessComposeCanInterpolate } from './composeInterpolation';
import { commitOfImages } from './imageCommit';
import { liveCommitOf, readEnvironmentHistory } from './environmentHistory';
import { historyLine, type HistoryLine } from './historyLine';
import { assertImagesPresent, previousImages } from './liveImages';
import { acquireEnvironmentLock, holdingLock } from './environmentLock';
import { builtServices, confirmPlan, pickEnvironment, pointOfNoReturn, ProductionChangedError, rollbackTo, type OperationDeps } from './operationContext';
import { progressReporter, type ProgressListener, type ProgressReporter } from '../common/progress';
import type { Environment } from '../config';

export interface RollbackPlan {
  environment: string;
  label: string;
  backup: BackupSummary;
  /** Service → image id that will run again. */
  images: Record<string, string>;
  /** Services that keep their current image (the backup recorded none for them). */
  keepImages: string[];
}

export interface RollbackOptions {
  environment?: string;
  /** Default: the backup taken by the last production deploy, else the newest. */
  backupId?: string;
  confirm: (plan: RollbackPlan) => Promise<boolean>;
  healthTimeoutSeconds?: number;
}

export interface RollbackResult {
  outcome: 'succeeded' | 'declined';
  plan: RollbackPlan;
  safetyBackup?: BackupSummary;
}

/** The backup to roll back to: the one named, else the one the last deploy took before changing anything. */
export async function chooseBackup(deps: OperationDeps, environment: Environment, backups: BackupSummary[], backupId?: string): Promise<BackupSummary> {
  const environmentName = environment.name;
  if (backups.length === 0) throw new UsageError(`There is no backup of ${environmentName} to roll back to.`);
  if (backupId) {
    const named = backups.find((b) => b.id === backupId);
    if (!named) throw new UsageError(`There is no backup "${backupId}" of ${environmentName}.`, { remedies: [{ kind: 'listBackups', environment: environmentName }] });
    return named;
  }
  const lastDeploy = (await readEnvironmentHistory(deps.config, environment, deps.docker)).filter((r) => r.operation === 'deploy' && r.backupId).at(-1);
  return backups.find((b) => b.id === lastDeploy?.backupId) ?? backups[0];
}

/**
 * Rolls production back to a backup: confirmation, lock, the backup's data
 * (loaded beside the live data, then swapped in; what production held up to
 * the swap becomes the safety backup), the images recorded with it, health.
 */
export async function rollbackProduction(deps: OperationDeps, options: RollbackOptions, signal: AbortSignal, onProgress?: ProgressListener): Promise<RollbackResult> {
  const progress = progressReporter(onProgress);
  const environment = pickEnvironment(deps.config, options.environment, true);
  const chosen = await chooseBackup(deps, environment, await deps.backups.list(environment), options.backupId);
  const { built } = builtServices(deps.config, environment);
  const images = Object.fromEntries(Object.entries(chosen.images ?? {}).filter(([service]) => built.includes(service)));
  // a backup that recorded no commit (its checkout had no history) brings back images that carry it
  const backup = { ...chosen, gitCommit: chosen.gitCommit ?? await commitOfImages(deps.docker, Object.values(images)) };
  const plan: RollbackPlan = { environment: environment.name, label: environment.label, backup, images, keepImages: built.filter((s) => !images[s]) };
  // before asking: a rollback whose images are gone, or whose dump no longer matches its sha256, cannot be done, so it is not offered
  await assertImagesPresent(deps.docker, images);
  await backupPlaceOf(deps.config, environment).assertRestorable(backup.id, signal);
  // the data is swapped in before Compose recreates anything: a Compose that cannot read the file must stop it here
  await refuseUnlessComposeCanInterpolate(deps, environment, signal);

  if (!(await confirmPlan(options.confirm, plan, signal, progress))) return { outcome: 'declined', plan };

  const lock = await acquireEnvironmentLock(deps.config, environment, `rollback to ${backup.id}`, deps.docker);
  const result: RollbackResult = { outcome: 'succeeded', plan };
  const noReturn = pointOfNoReturn(signal, progress);
  const line = historyLine(deps, environment, {
    operation: 'rollback', noun: 'rollback', startedAt: (deps.now ?? (() => new Date()))(), currentStep: () => noReturn.step || undefined,
    facts: () => ({ commit: backup.gitCommit, images, backupId: result.safetyBackup?.id, restoredBackupId: backup.id }),
  }, progress);
  const run: Run = { deps, options, environment, backup, images, built, result, signal, progress, noReturn, line };
  // a failure whose lock stays on a server that stopped answering says whether production changed and where the history stopped
  return holdingLock(lock, environment, (text) => progress.log('lock', text), () => rollBackConfirmed(run), () => ({
    noun: 'rollback', untouched: !noReturn.passed, stoppedAt: line.stoppedAt,
  }));
}

/** A confirmed rollback as it runs: what its steps are given. */
interface Run {
  deps: OperationDeps;
  options: RollbackOptions;
  environment: Environment;
  backup: BackupSummary;
  /** Service → image id that will run again. */
  images: Record<string, string>;
  built: string[];
  /** Filled in as the rollback goes: the safety backup once it is verified. */
  result: RollbackResult;
  signal: AbortSignal;
  progress: ProgressReporter;
  noReturn: ReturnType<typeof pointOfNoReturn>;
  /** This rollback's history line: `unfinished` ahead of each step, then its outcome. */
  line: HistoryLine;
}

/**
 * The backup's data loaded beside the live data (nothing changes yet), swapped in,
 * the images recorded with it, recreated, healthy; each step announced in the history
 * line before it starts. A failure past the swap says where what production held is.
 */
async function rollBackConfirmed(run: Run): Promise<RollbackResult> {
  const { deps, environment, backup, result, signal, progress, noReturn, line } = run;
  try {
    // every built service's image, a stopped one's too, so a rollback to the safety backup leaves none on today's build
    const current = await previousImages(deps.docker, deps.config, run.built);
    const liveCommit = await liveCommitOf(deps.config, environment, deps.docker);
    await line.mark('load');
    await bringBack(deps, {
      environment, backup, images: run.images, healthTimeoutMs: (run.options.healthTimeoutSeconds ?? environment.healthTimeoutSeconds) * 1000,
      // the state production leaves, every write up to the swap included, with the commit and images that served it
      safetyBackup: { gitCommit: liveCommit, images: current, reason: `safety before rollback to ${backup.id}` },
      onSafetyBackup: (safety) => { result.safetyBackup = safety; },
      signal,
      enter: async (step) => {
        noReturn.enter(step);
        await line.mark(step);
      },
    }, progress);
    await line.record('succeeded');
    return result;
  } catch (error) {
    return failRollback(error, run);
  }
}

/** What a rollback's failure is told: the environment, the backup going back to, and how far the rollback went. */
export interface RollbackProgress {
  environment: Environment;
  backup: BackupSummary;
  result: RollbackResult;
  signal: AbortSignal;
  noReturn: ReturnType<typeof pointOfNoReturn>;
  line: HistoryLine;
}

/** Records a rollback's failure in its history line and throws it; past the swap, naming the safety backup that holds what production had. */
export async function failRollback(error: unknown, run: RollbackProgress): Promise<never> {
  const { environment, backup, result, signal, noReturn, line } = run;
  const safety = result.safetyBackup;
  if (!noReturn.passed || !safety) {
    await line.record(!noReturn.passed && signal.aborted ? 'cancelled' : 'failed', {}, errorMessage(error));
    throw error;
  }
  // past the restore's start the data may be the backup's already: say where what production held is
  const message = `Rollback to ${backup.id} failed at step ${noReturn.step}: ${sentence(errorMessage(error))} What production held before the rollback is in safety backup ${safety.id}; run the rollback again, or put that state back by rolling back to ${safety.id}.`;
  await line.record('failed', {}, message);
  throw new ProductionChangedError(message, safety.id, { cause: error, remedies: [rollbackTo(environment, backup.id), rollbackTo(environment, safety.id)] });
}

/** A failure's words as a sentence of their own, whether or not they end in a period (Compose's do not). */
const sentence = (text: string) => `${text.replace(/[.;\s]+$/, '')}.`;

/** An image id as its first 12 hex digits; a reference (a Swarm service's `registry/stack/web:<commit>`) as it is. */
const shortImage = (image: string) => (image.startsWith('sha256:') ? image.slice(7, 19) : image);

/** The plan as lines for a terminal prompt or a modal: one text for the CLI and VS Code. */
export function describeRollbackPlan(plan: RollbackPlan): string {
  return [
    `Roll ${plan.label} back to backup ${plan.backup.id} (taken ${plan.backup.createdAt}${plan.backup.gitCommit ? ` at commit ${plan.backup.gitCommit.slice(0, 7)}` : ''}).`,
    'The backup is loaded beside the live database, then swapped in: what was written since that backup leaves the live database, and everything production held up to the swap is kept as a safety backup.',
    Object.keys(plan.images).length > 0 ? `Images brought back: ${Object.entries(plan.images).map(([s, id]) => `${s} ${shortImage(id)}`).join(', ')}.` : 'The backup recorded no images; the current images keep running.',
    ...(plan.keepImages.length > 0 && Object.keys(plan.images).length > 0 ? [`Keeping the current image of: ${plan.keepImages.join(', ')}.`] : []),
  ].join('\n');
}
