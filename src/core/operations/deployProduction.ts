import { CommandFailedError, errorMessage } from '../common/errors';
import { compactTimestamp } from '../common/time';
import { buildServices, ensureServicesUp, recreateServices } from '../compose/composeRunner';
import { dockerClientFor } from '../docker/client';
import { commitAll, createProductionTag, hasRemote, pushBranchAndTag } from '../git';
import type { BackupSummary } from './backupPort';
import { bringBack } from './bringBack';
import { preflightProduction, type DeployPlan } from './deployPreflight';
import { appendHistory, liveCommit, newRecord, type HistoryOutcome } from './history';
import { builtImages, liveImages, pruneRollbackTags, restoreImageNames, tagForRollback } from './liveImages';
import { acquireLock } from './lock';
import { builtServices, confirmPlan, pickEnvironment, pointOfNoReturn, ProductionChangedError, targetFor, type OperationDeps } from './operationContext';
import { progressReporter, type ProgressListener } from '../common/progress';
import { HealthGateError, waitForHealth } from './waitForHealth';
import { projectRepository } from './projectRepository';

export interface DeployProductionOptions {
  /** Environment name; default the production one. */
  environment?: string;
  /** Commit uncommitted changes with this message as part of the deploy. */
  message?: string;
  /** Awaited after every check and before anything changes; false ends the deploy with nothing changed. */
  confirm: (plan: DeployPlan) => Promise<boolean>;
  /** On a failed health gate, put back the previous images and the backup's data at once. */
  autoRollback?: boolean;
  /** Overrides the environment's healthTimeoutSeconds. */
  healthTimeoutSeconds?: number;
  stagingFirst?: 'refuse' | 'ask';
  /** Git remote to push to (default origin; skipped with a notice when the repository has none). */
  remote?: string;
}

export interface DeployResult {
  outcome: 'succeeded' | 'declined' | 'rolled-back' | 'failed';
  plan: DeployPlan;
  commit?: string;
  tag?: string;
  backup?: BackupSummary;
  /** Service → image id now running. */
  images?: Record<string, string>;
  url?: string;
  /** For rolled-back and failed: what went wrong, in one sentence. */
  error?: string;
}

/** Drops rollback tags no retained backup of any environment can bring back; never fails the deploy. */
async function pruneUnneededRollbackTags(deps: OperationDeps, services: readonly string[], log: (line: string) => void): Promise<void> {
  try {
    const keep = new Set<string>();
    for (const environment of deps.config.environments) {
      for (const backup of await deps.backups.list(environment)) for (const id of Object.values(backup.images ?? {})) keep.add(id);
    }
    const removed = await pruneRollbackTags(deps.docker, deps.config, services, keep);
    if (removed.length > 0) log(`Removed rollback image tags no kept backup needs: ${removed.join(', ')}`);
  } catch (error) {
    log(`Could not tidy rollback image tags (${errorMessage(error)}); they stay.`);
  }
}

/**
 * Deploys the checked-out branch to production, in the seed's order and
 * stopping at the first failure with production untouched: preflight,
 * confirmation, lock, verified backup, commit/push/tag, build (nothing stopped
 * yet), recreate, health gate — and on a failed gate, optionally the rollback.
 */
export async function deployProduction(deps: OperationDeps, options: DeployProductionOptions, signal: AbortSignal, onProgress?: ProgressListener): Promise<DeployResult> {
  const progress = progressReporter(onProgress);
  const now = deps.now ?? (() => new Date());
  const environment = pickEnvironment(deps.config, options.environment, true);
  const healthTimeoutMs = (options.healthTimeoutSeconds ?? environment.healthTimeoutSeconds) * 1000;
  // no signal: once past the point of no return, the commit, tag and push must finish
  const repo = projectRepository(deps.config);

  progress.running('preflight', 'Checking branch, working tree and staging');
  const plan = await preflightProduction(deps.dockerFor ?? dockerClientFor, deps.config, environment, options, signal);
  progress.done('preflight', `${plan.branch} @ ${plan.commit.shortHash} may go to ${environment.label}`);

  if (!(await confirmPlan(options.confirm, plan, signal, progress))) return { outcome: 'declined', plan };

  const lock = acquireLock(deps.config.projectDir, environment.name, `deploy of ${plan.branch}`);
  const startedAt = now();
  const { built, others } = builtServices(deps.config, environment);
  const result: DeployResult = { outcome: 'failed', plan, commit: plan.commit.hash };
  let recorded = false;
  const record = (outcome: HistoryOutcome, error?: string, previousImages?: Record<string, string>) => {
    recorded = true;
    appendHistory(deps.config.projectDir, newRecord({
    operation: 'deploy', environment: environment.name, outcome, error,
    startedAt: startedAt.toISOString(), finishedAt: now().toISOString(), durationMs: now().getTime() - startedAt.getTime(),
    commit: result.commit, branch: plan.branch, tag: result.tag, images: result.images, previousImages, backupId: result.backup?.id,
    message: plan.toCommit?.message,
    }));
  };
  const noReturn = pointOfNoReturn(signal, progress);
  let previous: Record<string, string> = {};
  try {
    const live = await liveImages(deps.docker, deps.config.projectName, built);
    previous = Object.fromEntries(Object.values(live).map((image) => [image.service, image.imageId]));

    progress.running('backup', `Backing up ${environment.database!.name}`);
    result.backup = await deps.backups.create({ environment, gitCommit: liveCommit(deps.config.projectDir, environment.name), images: previous, reason: `before deploy of ${plan.branch} @ ${plan.commit.shortHash}` }, signal, (event) => progress.log('backup', event.message ?? event.logLine ?? ''));
    progress.done('backup', `Backup ${result.backup.id} taken and verified`);

    noReturn.enter('git');
    if (plan.toCommit) {
      const commit = await commitAll(repo, plan.toCommit.message);
      result.commit = commit.hash;
      progress.log('git', `Committed ${commit.shortHash} ${commit.subject}`);
    }
    result.tag = await createProductionTag(repo, startedAt, `Deployed to ${environment.label} by Dual Env; backup ${result.backup.id}`);
    const remote = options.remote ?? 'origin';
    if (await hasRemote(repo, remote)) {
      await pushBranchAndTag(repo, { remote, branch: plan.branch, tag: result.tag });
      progress.done('git', `Pushed ${plan.branch} and ${result.tag} to ${remote}`);
    } else {
      progress.skipped('git', `Tagged ${result.tag}; the repository has no remote "${remote}", so nothing was pushed`);
    }

    noReturn.enter('build');
    const rollbackTags = await tagForRollback(deps.docker, deps.config, live, compactTimestamp(startedAt));
    progress.log('build', `Live images kept as ${Object.values(rollbackTags).join(', ') || '(none running)'}`);
    const target = targetFor(deps, environment, result.commit, result.tag);
    progress.running('build', `Building ${built.join(', ')} while the current version keeps serving`);
    try {
      await buildServices(target, built, { onLine: (line) => progress.log('build', line) });
    } catch (error) {
      // a partial build may have moved some tags; point them back at what runs
      const stuck = await restoreImageNames(deps.docker, deps.config, previous).then(() => undefined, (retagError: unknown) => errorMessage(retagError));
      if (!stuck) throw error;
      throw new CommandFailedError(`${errorMessage(error)} Also, the image names could not be pointed back at the running images (${stuck}); production still runs its old containers, but a start or recreate would use the new build until they are.`, null, '', { cause: error });
    }
    result.images = await builtImages(deps.docker, deps.config, built);
    progress.done('build', 'New images built');

    let step = 'recreate';
    noReturn.enter(step);
    try {
      progress.running('recreate', `Replacing ${built.join(', ')}`);
      await recreateServices(target, built, { onLine: (line) => progress.log('recreate', line) });
      if (others.length > 0) await ensureServicesUp(target, others, { onLine: (line) => progress.log('recreate', line) });
      progress.done('recreate', `Recreated ${built.join(', ')}`);

      noReturn.enter(step = 'health');
      progress.running('health', `Waiting up to ${healthTimeoutMs / 1000} s for ${environment.label} to be healthy`);
      await waitForHealth(deps.docker, deps.config, environment.services, { timeoutMs: healthTimeoutMs, onStatus: (line) => progress.log('health', line) });
    } catch (error) {
      // whatever failed once containers were being replaced (a port taken, the engine gone, the gate), production is no longer what it was
      const failure = errorMessage(error);
      const backupId = result.backup.id;
      const state = error instanceof HealthGateError ? 'Production runs the new version unhealthy' : 'Production may be running the new version, or nothing';
      progress.failed(step, failure);
      result.error = failure;
      if (!options.autoRollback) {
        record('failed', failure, previous);
        throw new ProductionChangedError(`${failure} ${state}; roll back with: dual-env rollback production ${backupId}`, backupId, { cause: error });
      }
      progress.running('rollback', `Rolling back to backup ${backupId} and the previous images`);
      try {
        // writes made while the new version was being built and checked are kept in a safety backup
        await bringBack(deps, { environment, backup: result.backup, images: previous, healthTimeoutMs, safetyBackup: { gitCommit: result.commit, images: result.images, reason: `safety before the automatic rollback of ${result.tag}` }, enter: noReturn.enter }, progress);
      } catch (rollbackError) {
        const message = `${failure} The automatic rollback failed too: ${errorMessage(rollbackError)} ${state}; try again with: dual-env rollback production ${backupId}`;
        progress.failed('rollback', message);
        record('failed', message, previous);
        throw new ProductionChangedError(message, backupId, { cause: rollbackError });
      }
      result.images = previous;
      result.outcome = 'rolled-back';
      progress.done('rollback', `Rolled back: ${environment.label} runs the previous version with the data of backup ${backupId}`);
      record('rolled-back', failure, previous);
      return result;
    }
    progress.done('health', `${environment.label} is healthy`);
    result.outcome = 'succeeded';
    result.url = environment.url;
    record('succeeded', undefined, previous);
    await pruneUnneededRollbackTags(deps, built, (line) => progress.log('health', line));
    return result;
  } catch (error) {
    if (!recorded) record(!noReturn.passed && signal.aborted ? 'cancelled' : 'failed', errorMessage(error), previous);
    throw error;
  } finally {
    lock.release();
  }
}
