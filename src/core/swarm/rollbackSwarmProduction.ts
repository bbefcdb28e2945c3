// Our rollback of a Swarm environment, for a deploy that passed and later proved wrong
// (Swarm's own rollback covers a deploy whose new tasks fail): the Compose rollback's
// promises and pieces (the backup chosen as there, checked restorable before asking,
// confirmation, lock, history line, the restore through the database's node with a
// safety backup of what production held up to the swap), then the stack deployed again
// with the images recorded with the backup (the registry's `<stack>/<service>:<commit>`)
// and followed to healthy, as a deploy's.
import fs from 'node:fs';
import type Docker from 'dockerode';
import { DualEnvError, errorMessage } from '../common/errors';
import { progressReporter, type ProgressListener, type ProgressReporter } from '../common/progress';
import type { BackupSummary } from '../operations/backupPort';
import { backupPlaceOf } from '../operations/backupPlaceOf';
import { restoreData, thenCode } from '../operations/bringBack';
import { acquireEnvironmentLock, holdingLock } from '../operations/environmentLock';
import { liveCommitOf } from '../operations/environmentHistory';
import { historyLine } from '../operations/historyLine';
import { builtServices, confirmPlan, pointOfNoReturn, type OperationDeps } from '../operations/operationContext';
import { chooseBackup, failRollback, type RollbackOptions, type RollbackPlan, type RollbackProgress, type RollbackResult } from '../operations/rollbackProduction';
import { callDocker } from '../docker/client';
import { swarmProductionEnvironment } from './deploySwarmProduction';
import { planStackServices, readComposeDocument } from './stackFile';
import { deployStackFile, gateStack, specImages } from './stackDeploy';
import type { ServiceOutcome } from './updateGate';

/** The images of a backup could not be brought back, or did not run healthy. */
export class SwarmRollbackError extends DualEnvError {
  readonly exitCode = 1;
}

/** Before anything is asked: each image is in the registry, asked from the manager (which the nodes pull from as it does). */
async function assertInRegistry(manager: Docker, backup: BackupSummary, images: Record<string, string>): Promise<void> {
  for (const [service, image] of Object.entries(images)) {
    await callDocker(manager, () => manager.getImage(image).distribution()).catch((error: unknown) => {
      throw new SwarmRollbackError(`The image ${image} of ${service} recorded with backup ${backup.id} cannot be read from its registry through the manager (${errorMessage(error).replace(/[.\s]+$/, '')}), so nothing was rolled back.`, { cause: error });
    });
  }
}

interface Run extends RollbackProgress {
  deps: OperationDeps;
  options: RollbackOptions;
  environment: ReturnType<typeof swarmProductionEnvironment>;
  /** Service → the image every built service runs after the rollback. */
  images: Record<string, string>;
  current: Record<string, string>;
  progress: ProgressReporter;
}

/**
 * Rolls a Swarm production back to a backup: its data, restored through the database's
 * node, and the stack with the images recorded with it. Built services the backup
 * recorded no image for keep the one they run.
 */
export async function rollbackSwarmProduction(deps: OperationDeps, options: RollbackOptions, signal: AbortSignal, onProgress?: ProgressListener): Promise<RollbackResult> {
  const progress = progressReporter(onProgress);
  const environment = swarmProductionEnvironment(deps, options.environment);
  const backup = await chooseBackup(deps, environment, await deps.backups.list(environment), options.backupId);
  const { built } = builtServices(deps.config, environment);
  const recorded = Object.fromEntries(Object.entries(backup.images ?? {}).filter(([service]) => built.includes(service)));
  const current = await specImages(deps.docker, environment);
  const keepImages = built.filter((s) => !recorded[s]);
  const unknown = keepImages.filter((s) => !current[s]);
  if (unknown.length > 0) throw new SwarmRollbackError(`Backup ${backup.id} recorded no image of ${unknown.join(', ')} and the stack runs none, so there is nothing to deploy it with; nothing was rolled back.`);
  const plan: RollbackPlan = { environment: environment.name, label: environment.label, backup, images: recorded, keepImages };
  // before asking: a rollback whose images or dump are gone cannot be done, so it is not offered
  await assertInRegistry(deps.docker, backup, recorded);
  await backupPlaceOf(deps.config, environment).assertRestorable(backup.id, signal);

  if (!(await confirmPlan(options.confirm, plan, signal, progress))) return { outcome: 'declined', plan };

  const lock = await acquireEnvironmentLock(deps.config, environment, `rollback to ${backup.id}`, deps.docker);
  const result: RollbackResult = { outcome: 'succeeded', plan };
  const noReturn = pointOfNoReturn(signal, progress);
  const images = { ...Object.fromEntries(built.map((s) => [s, current[s]])), ...recorded };
  const line = historyLine(deps, environment, {
    operation: 'rollback', noun: 'rollback', startedAt: (deps.now ?? (() => new Date()))(), currentStep: () => noReturn.step || undefined,
    facts: () => ({ commit: backup.gitCommit, images, previousImages: current, backupId: result.safetyBackup?.id, restoredBackupId: backup.id }),
  }, progress);
  const run: Run = { deps, options, environment, backup, images, current, result, signal, progress, noReturn, line };
  return holdingLock(lock, environment, (text) => progress.log('lock', text), () => rollBackConfirmed(run), () => ({
    noun: 'rollback', untouched: !noReturn.passed, stoppedAt: line.stoppedAt,
  }));
}

/** The data swapped in through the database's node, then the stack with the backup's images, healthy; each step in the history line first. */
async function rollBackConfirmed(run: Run): Promise<RollbackResult> {
  const { deps, environment, backup, result, signal, progress, noReturn, line } = run;
  const enter = async (step: string) => {
    noReturn.enter(step);
    await line.mark(step);
  };
  try {
    const liveCommit = await liveCommitOf(deps.config, environment, deps.docker);
    await line.mark('load');
    const restored = await restoreData(deps, {
      environment, backup, signal, enter,
      safetyBackup: { gitCommit: liveCommit, images: run.current, reason: `safety before rollback to ${backup.id}` },
      onSafetyBackup: (safety) => { result.safetyBackup = safety; },
    }, progress);
    await thenCode(restored, { environment, backup }, () => redeploy(run, enter));
    await line.record('succeeded');
    return result;
  } catch (error) {
    return failRollback(error, run);
  }
}

function outcomeReason(o: ServiceOutcome): string {
  if (o.state === 'paused') return o.reason;
  if (o.state === 'stalled') return `Swarm's update waits for a task on ${o.node}, which went down`;
  return `rolled back by Swarm${o.state === 'rolled-back' && o.reason ? `, ${o.reason}` : ''}`;
}

/** The stack deployed with the backup's images and followed until every task runs them healthy. */
async function redeploy(run: Run, enter: (step: string) => Promise<void>): Promise<void> {
  const { deps, environment, progress } = run;
  const document = readComposeDocument(fs.readFileSync(deps.config.file, 'utf8'));
  const { built } = builtServices(deps.config, environment);
  await enter('deploy');
  await deployStackFile({
    config: deps.config, environment, document, images: run.images, progress,
    plan: planStackServices(document, environment.services, built, environment.database?.service),
  });
  await enter('health');
  const timeoutMs = (run.options.healthTimeoutSeconds ?? environment.healthTimeoutSeconds) * 1000;
  const { outcomes } = await gateStack(deps.docker, environment, run.images, timeoutMs, progress);
  const failed = outcomes.filter((o) => o.state === 'rolled-back' || o.state === 'paused' || o.state === 'stalled');
  if (failed.length > 0) {
    throw new SwarmRollbackError(`The images of backup ${run.backup.id} did not run healthy (${failed.map((o) => `${o.service}: ${outcomeReason(o)}`).join('; ')})`);
  }
  progress.done('health', `Every task of ${environment.label} runs the images of backup ${run.backup.id} healthy`);
}
