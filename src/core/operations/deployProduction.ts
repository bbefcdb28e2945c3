import { CommandFailedError, errorMessage } from '../common/errors';
import { compactTimestamp } from '../common/time';
import { buildServices, ensureServicesUp, recreateServices, type ComposeTarget } from '../compose/composeRunner';
import { dockerClientFor } from '../docker/client';
import { createProductionTag } from '../git';
import type { BackupSummary } from './backupPort';
import { bringBack } from './bringBack';
import { SafetyBackupFailedError } from '../database';
import { checklistLine } from './checklist';
import { refuseUnlessComposeCanInterpolate } from './composeInterpolation';
import { preflightProduction, type DeployPlan } from './deployPreflight';
import { liveCommitOf } from './environmentHistory';
import type { HistoryOutcome } from './history';
import type { HistoryLine, LineFacts } from './historyLine';
import { commitPlanned, pushBranchWithTag, startConfirmedDeploy } from './deployStart';
import { builtImages, previousImages, pruneRollbackTags, restoreImageNames, runningImages, tagForRollback } from './liveImages';
import { holdingLock } from './environmentLock';
import { builtServices, confirmPlan, pickEnvironment, pointOfNoReturn, ProductionChangedError, rollbackTo, targetFor, type OperationDeps } from './operationContext';
import { progressReporter, type ProgressListener, type ProgressReporter } from '../common/progress';
import { HealthGateError, waitForHealth } from './waitForHealth';
import { drainOld, NewVersionRejectedError, startBesideAndCheck } from './replaceWithoutDowntime';
import { projectRepository } from './projectRepository';
import { buildingFrom, exportRelease, releaseContexts, type ReleaseContexts } from './releaseSource';
import type { Environment } from '../config';
import { edgeSwitchFor } from './edgeSwitch';

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
  /**
   * Stop the old version before the new one starts (today's recreate), for a schema
   * change the running version cannot live with; shown as such in the confirmation.
   */
  maintenanceWindow?: boolean;
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

/** A confirmed deploy as it runs: what every step is given. */
interface Run {
  deps: OperationDeps;
  options: DeployProductionOptions;
  environment: Environment;
  plan: DeployPlan;
  /** Service → where its build context lies in the repository. */
  contexts: ReleaseContexts;
  built: string[];
  others: string[];
  startedAt: Date;
  signal: AbortSignal;
  progress: ProgressReporter;
  noReturn: ReturnType<typeof pointOfNoReturn>;
  /** This deploy's history line: `unfinished` ahead of each step, then its outcome. */
  line: HistoryLine;
}

/** What a deploy has established so far; each step adds to it, and the history line records it. */
interface Facts {
  /** Service → the image it would go back to, read before anything changed. */
  previous?: Record<string, string>;
  backup?: BackupSummary;
  commit?: string;
  tag?: string;
  /** Service → image id built (or, after a rollback, running). */
  images?: Record<string, string>;
}

/**
 * Deploys the checked-out branch to production, stopping at the first failure
 * with production untouched: preflight and confirmation; prepare (the images to
 * go back to, a verified backup), which a cancel still stops; then, past the
 * point of no return, commit/tag/push and a build of exactly the tagged commit
 * while the current version serves; recreate and the health gate — and when
 * they fail, recover (say so, or roll back).
 */
export async function deployProduction(deps: OperationDeps, options: DeployProductionOptions, signal: AbortSignal, onProgress?: ProgressListener): Promise<DeployResult> {
  const progress = progressReporter(onProgress);
  const environment = pickEnvironment(deps.config, options.environment, true);
  const { built, others } = builtServices(deps.config, environment);

  progress.running('preflight', 'Checking branch, working tree, staging and the variables Compose needs');
  const plan = await preflightProduction(deps.dockerFor ?? dockerClientFor, deps.config, environment, {
    ...options,
    // the same lines as the confirmation, and printed with --yes too, where nobody is asked
    onCheck: (item) => progress.log('checklist', checklistLine(item)),
  }, signal);
  const contexts = await releaseContexts(projectRepository(deps.config, signal), deps.config, built);
  await refuseUnlessComposeCanInterpolate(deps, environment, signal, plan.commit);
  progress.done('preflight', `${plan.branch} @ ${plan.commit.shortHash} may go to ${environment.label}`);

  if (!(await confirmPlan(options.confirm, plan, signal, progress))) return { outcome: 'declined', plan };

  const { lock, startedAt, noReturn, line } = await startConfirmedDeploy(deps, environment, plan, signal, progress);
  const run: Run = { deps, options, environment, plan, contexts, built, others, startedAt, signal, progress, noReturn, line };
  // a failure whose lock stays on a server that stopped answering says what production runs and where the history stopped
  return holdingLock(lock, environment, (text) => progress.log('lock', text), () => deployConfirmed(run), () => ({
    noun: 'deploy', untouched: PRODUCTION_UNTOUCHED_BEFORE.has(noReturn.step), stoppedAt: line.stoppedAt,
  }));
}

/** Steps of a deploy before anything of production is replaced ('' is before the point of no return; `start` runs the new version beside the old). */
const PRODUCTION_UNTOUCHED_BEFORE = new Set(['', 'git', 'build', 'start']);

async function deployConfirmed(run: Run): Promise<DeployResult> {
  // each step's failure is written to the history with what was established before it
  const step = async <T>(facts: Facts, action: () => T | Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      await recordDeploy(run, !run.noReturn.passed && run.signal.aborted ? 'cancelled' : 'failed', facts, errorMessage(error));
      throw error;
    }
  };

  // prepare: nothing changes yet, so a failure or a cancel leaves production as it was
  const previous = await step({}, () => previousImages(run.deps.docker, run.deps.config, run.built));
  await markStep(run, 'backup', { previous });
  const backup = await step({ previous }, () => takeBackup(run, previous));

  // point of no return: from here the deploy finishes, or production is recovered
  await step({ previous, backup }, () => run.noReturn.enter('git'));
  const commit = await step({ previous, backup }, () => commitPlanned(run.deps.config, run.plan, run.progress));
  const tag = await step({ previous, backup, commit }, () => tagRelease(run, backup));
  await step({ previous, backup, commit, tag }, () => pushBranchWithTag(run.deps.config, run.plan.branch, tag, run.options.remote ?? 'origin', run.progress));
  run.noReturn.enter('build');
  await markStep(run, 'build', { previous, backup, commit, tag });
  const images = await step({ previous, backup, commit, tag }, () => buildRelease(run, previous, commit, tag));

  const released: Required<Facts> = { previous, backup, commit, tag, images };
  try {
    await goLive(run, commit, tag, (name) => markStep(run, name, released));
  } catch (error) {
    if (error instanceof NewVersionRejectedError) return refuseNewVersion(run, released, error);
    return recover(run, released, error);
  }
  await recordDeploy(run, 'succeeded', released);
  await pruneUnneededRollbackTags(run.deps, run.built, (line) => run.progress.log('health', line));
  return { outcome: 'succeeded', plan: run.plan, commit, tag, backup, images, url: run.environment.url };
}

async function takeBackup(run: Run, previous: Record<string, string>): Promise<BackupSummary> {
  const { deps, environment, plan, progress } = run;
  progress.running('backup', `Backing up ${environment.database!.name}`);
  const backup = await deps.backups.create({ environment, gitCommit: await liveCommitOf(deps.config, environment, deps.docker), images: previous, reason: `before deploy of ${plan.branch} @ ${plan.commit.shortHash}` }, run.signal, (event) => progress.log('backup', event.message ?? event.logLine ?? ''));
  progress.done('backup', `Backup ${backup.id} taken and verified`);
  return backup;
}

// no signal from here on: once past the point of no return, the commit, tag and push must finish
async function tagRelease(run: Run, backup: BackupSummary): Promise<string> {
  return createProductionTag(projectRepository(run.deps.config), run.startedAt, `Deployed to ${run.environment.label} by Dual Env; backup ${backup.id}`);
}

/**
 * Builds the images from a clean export of the tagged commit (never the working
 * tree, which may have changed since the plan was confirmed), with nothing
 * stopped; the previous images keep a rollback tag. Returns service → image id built.
 */
async function buildRelease(run: Run, previous: Record<string, string>, commit: string, tag: string): Promise<Record<string, string>> {
  const { deps, built, progress } = run;
  const rollbackTags = await tagForRollback(deps.docker, deps.config, previous, compactTimestamp(run.startedAt));
  progress.log('build', `Previous images kept as ${Object.values(rollbackTags).join(', ') || '(none)'}`);
  const source = await exportRelease(projectRepository(deps.config), commit, run.contexts);
  try {
    progress.running('build', `Building ${built.join(', ')} from ${tag} (${commit.slice(0, 7)}) while the current version keeps serving`);
    await buildServices(buildingFrom(targetFor(deps, run.environment, commit, tag), source), built, { onLine: (line) => progress.log('build', line) });
  } catch (error) {
    // a partial build may have moved some tags; point them back at the previous images
    const stuck = await restoreImageNames(deps.docker, deps.config, previous).then(() => undefined, (retagError: unknown) => errorMessage(retagError));
    if (!stuck) throw error;
    throw new CommandFailedError(`${errorMessage(error).replace(/[.;\s]+$/, '')}; also, the image names could not be pointed back at the previous images (${stuck}), so production still runs its old containers but a start or recreate would use the new build until they are.`, null, '', { cause: error });
  } finally {
    source.remove();
  }
  const images = await builtImages(deps.docker, deps.config, built);
  progress.done('build', 'New images built');
  return images;
}

/**
 * Replaces the built services: those that can run twice start beside the old version,
 * pass the health gate and take over while the old containers drain (a failure there
 * leaves production as it was); the others are recreated, with the downtime the
 * confirmation stated. Then the whole environment must be healthy.
 */
async function goLive(run: Run, commit: string, tag: string, mark: (step: string) => Promise<void>): Promise<void> {
  const { deps, environment, progress, noReturn } = run;
  const target = targetFor(deps, environment, commit, tag);
  const healthTimeoutMs = healthTimeout(run);
  const beside = run.plan.replacement.filter((r) => r.how === 'beside').map((r) => r.service);
  const recreated = run.plan.replacement.filter((r) => r.how === 'recreate').map((r) => r.service);
  if (beside.length > 0) await replaceBeside(run, target, beside, mark);
  if (recreated.length > 0) await recreate(run, target, recreated, beside.length === 0, mark);

  noReturn.enter('health');
  await mark('health');
  progress.running('health', `Waiting up to ${healthTimeoutMs / 1000} s for ${environment.label} to be healthy`);
  await waitForHealth(deps.docker, deps.config, environment.services, { timeoutMs: healthTimeoutMs, onStatus: (line) => progress.log('health', line) });
  progress.done('health', `${environment.label} is healthy`);
}

/**
 * Starts the new containers beside the old ones and gates them; a failure there is a
 * NewVersionRejectedError with production as it was. The edge, when the environment has
 * one, holds the services it fronts on their old containers meanwhile and switches them
 * to the new ones only once these are healthy. Then the old ones drain and go.
 */
async function replaceBeside(run: Run, target: ComposeTarget, services: string[], mark: (step: string) => Promise<void>): Promise<void> {
  const { deps, others, progress, noReturn } = run;
  const healthTimeoutMs = healthTimeout(run);
  const onLine = (step: string) => (line: string) => progress.log(step, line);
  noReturn.enter('start');
  await mark('start');
  progress.running('start', `Starting the new ${services.join(', ')} beside the running version; waiting up to ${healthTimeoutMs / 1000} s for it to be healthy`);
  // the database must run before the new version starts: its migrations run while the old version serves
  if (others.length > 0) {
    await ensureServicesUp(target, others, { onLine: onLine('start') }).catch((error: unknown) => {
      throw new NewVersionRejectedError(`${errorMessage(error).replace(/[.;\s]+$/, '')}; no new container was started`, { cause: error });
    });
  }
  const edge = edgeSwitchFor(deps.docker, deps.config, run.environment.edge, services, (step, line) => progress.log(step, line));
  await edge?.holdOnOld();
  const old = await startBesideAndCheck({ docker: deps.docker, config: deps.config, target, services, gated: [...services, ...others], healthTimeoutMs, log: onLine('start') })
    .catch(async (error: unknown) => {
      // the new containers are gone: the old ones, which the edge names, are all that runs
      await edge?.release('start');
      throw error;
    });
  progress.done('start', `The new ${services.join(', ')} ${services.length > 1 ? 'are' : 'is'} healthy`);
  noReturn.enter('switch');
  await mark('switch');
  const drainSeconds = run.plan.drainSeconds;
  progress.running('switch', `Traffic goes to the new version; the old containers finish their requests (up to ${drainSeconds} s) and go`);
  await edge?.switchToNew(old);
  await drainOld(deps.docker, old, drainSeconds, onLine('switch'));
  await edge?.release('switch');
  progress.done('switch', `${services.join(', ')} replaced without downtime`);
}

/** Stops and recreates the services that cannot run twice (or all, in a maintenance window): production is away meanwhile. */
async function recreate(run: Run, target: ComposeTarget, services: string[], startOthers: boolean, mark: (step: string) => Promise<void>): Promise<void> {
  const { others, progress, noReturn } = run;
  const onLine = (line: string) => progress.log('recreate', line);
  noReturn.enter('recreate');
  await mark('recreate');
  progress.running('recreate', `Replacing ${services.join(', ')} (stopped first)`);
  await recreateServices(target, services, { onLine });
  if (startOthers && others.length > 0) await ensureServicesUp(target, others, { onLine });
  progress.done('recreate', `Recreated ${services.join(', ')}`);
}

/**
 * The new version failed its gate beside the old one, which never stopped: production
 * runs what it ran, on the data it had (no rollback is needed), and the image names are
 * pointed back at what runs, so a later start or recreate does not pick the rejected build.
 */
async function refuseNewVersion(run: Run, released: Required<Facts>, error: NewVersionRejectedError): Promise<never> {
  const { deps, environment, progress } = run;
  const retagged = await restoreImageNames(deps.docker, deps.config, released.previous).then(() => '', (retagError: unknown) =>
    ` The image names could not be pointed back at the previous images (${errorMessage(retagError)}), so a start or recreate would use the rejected build until they are.`);
  const message = `${error.message.replace(/[.;\s]+$/, '')}: ${environment.label} goes on running the previous version with its data, and no rollback is needed.${retagged}`;
  progress.failed('start', message);
  await recordDeploy(run, 'failed', released, message);
  throw new NewVersionRejectedError(message, { cause: error.cause ?? error, remedies: error.remedies });
}

const healthTimeout = (run: Run) => (run.options.healthTimeoutSeconds ?? run.environment.healthTimeoutSeconds) * 1000;

/**
 * Production is no longer what it was (a port taken, the engine gone, the gate
 * failed): without auto-rollback, says so and which backup to roll back to;
 * with it, brings back the backup's data and the previous images, and reports
 * what runs afterwards.
 */
async function recover(run: Run, released: Required<Facts>, error: unknown): Promise<DeployResult> {
  const { deps, environment, progress, noReturn } = run;
  const failure = errorMessage(error);
  const backupId = released.backup.id;
  const state = error instanceof HealthGateError ? 'Production runs the new version unhealthy' : 'Production may be running the new version, or nothing';
  progress.failed(noReturn.step, failure);
  if (!run.options.autoRollback) {
    await recordDeploy(run, 'failed', released, failure);
    throw new ProductionChangedError(`${failure} ${state}; roll back to backup ${backupId}.`, backupId, { cause: error, remedies: [rollbackTo(environment, backupId)] });
  }

  progress.running('rollback', `Rolling back to backup ${backupId} and the previous images`);
  try {
    // writes made while the new version was being built and checked, up to the swap, are kept in a safety backup
    await bringBack(deps, {
      environment, backup: released.backup, images: released.previous, healthTimeoutMs: healthTimeout(run),
      // the line says the deploy is rolling back: a server gone now leaves production's data possibly the backup's
      enter: async (step) => {
        noReturn.enter(step);
        await markStep(run, `rollback ${step}`, released);
      },
      safetyBackup: { gitCommit: released.commit, images: released.images, reason: `safety before the automatic rollback of ${released.tag}` },
    }, progress);
  } catch (rollbackError) {
    if (rollbackError instanceof SafetyBackupFailedError && rollbackError.healthy) {
      // production is back and healthy; only the copy of what it held during the failed deploy is not a backup yet
      const message = `${failure} ${rollbackError.message}`;
      progress.failed('rollback', message);
      await recordDeploy(run, 'rolled-back', released, message);
      throw new SafetyBackupFailedError(message, rollbackError.holdingDatabase, { cause: rollbackError, healthy: true });
    }
    const message = `${failure} The automatic rollback failed too: ${errorMessage(rollbackError)} ${state}; roll back to backup ${backupId} again.`;
    progress.failed('rollback', message);
    await recordDeploy(run, 'failed', released, message);
    throw new ProductionChangedError(message, backupId, { cause: rollbackError, remedies: [rollbackTo(environment, backupId)] });
  }
  // the rollback succeeded: the history line is written even when the engine cannot say what runs
  const running = await runningImages(deps.docker, deps.config.projectName, run.built).catch((readError: unknown) => errorMessage(readError));
  const differences = typeof running === 'string' ? [`what runs now could not be read (${running})`] : notAsBefore(released.previous, running);
  progress.done('rollback', differences.length === 0
    ? `Rolled back: ${environment.label} runs the previous version with the data of backup ${backupId}`
    : `Rolled back to the data of backup ${backupId}, but not every service is known to run its previous image: ${differences.join('; ')}`);
  const images = typeof running === 'string' ? undefined : running;
  await recordDeploy(run, 'rolled-back', { ...released, images }, failure);
  return { outcome: 'rolled-back', plan: run.plan, commit: released.commit, tag: released.tag, backup: released.backup, images, error: failure };
}

/** Each service whose running image (service → image id) is not its previous one, said in a few words; none when all run their previous image. */
export function notAsBefore(previous: Record<string, string>, running: Record<string, string>): string[] {
  const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
  const services = [...new Set([...Object.keys(previous), ...Object.keys(running)])].sort();
  return services.filter((service) => previous[service] !== running[service]).map((service) =>
    !running[service] ? `${service} is not running`
      : !previous[service] ? `${service} runs image ${short(running[service])} (it had no previous image)`
        : `${service} runs image ${short(running[service])}, not its previous ${short(previous[service])}`);
}

/** Writes the deploy's history line `unfinished` ahead of a step, with the facts so far: the line the history keeps should the server stop answering during it. */
async function markStep(run: Run, step: string, facts: Facts): Promise<void> {
  await run.line.mark(step, lineFacts(facts));
}

/** Writes the deploy's outcome over its `unfinished` lines, with the facts established; false when it could not be written. */
async function recordDeploy(run: Run, outcome: HistoryOutcome, facts: Facts, error?: string): Promise<boolean> {
  return run.line.record(outcome, lineFacts(facts), error);
}

const lineFacts = (facts: Facts): LineFacts => ({ commit: facts.commit, tag: facts.tag, images: facts.images, previousImages: facts.previous, backupId: facts.backup?.id });
