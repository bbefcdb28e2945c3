// A production deploy of a Swarm environment, keeping the Compose path's promises
// where they apply: the release checks (branch policy, tree, staging checklist), the
// exact plan confirmed, the environment's lock, commit/tag/push, images built on the
// manager and pushed to the cluster's registry before the stack changes at all, then
// `docker stack deploy` of a stack file rendered from the project's compose file and
// a health gate that follows Swarm's own rolling update and its automatic rollback.
// The history line is written ahead of each step. A database (a single-replica
// service pinned to a node with a volume) is backed up through its node and the
// backup verified, as the Compose path's, before anything else changes.
import fs from 'node:fs';
import { CancelledError, DualEnvError, errorMessage } from '../common/errors';
import { progressReporter, type ProgressListener, type ProgressReporter } from '../common/progress';
import { composeTarget } from '../compose/composeRunner';
import type { Environment } from '../config';
import { dockerClientFor } from '../docker/client';
import { createProductionTag } from '../git';
import { checklistLine } from '../operations/checklist';
import { checkRelease, DeployRefusedError } from '../operations/deployPreflight';
import { holdingLock } from '../operations/environmentLock';
import { commitPlanned, pushBranchWithTag, startConfirmedDeploy } from '../operations/deployStart';
import type { HistoryOutcome } from '../operations/history';
import type { HistoryLine } from '../operations/historyLine';
import { builtServices, confirmPlan, findEnvironment, pointOfNoReturn, type OperationDeps } from '../operations/operationContext';
import { projectRepository } from '../operations/projectRepository';
import { releaseContexts, type ReleaseContexts } from '../operations/releaseSource';
import { buildOnManager, releaseImage, tagAndPush, type BuiltRelease } from './releaseImages';
import { planStackServices, readComposeDocument } from './stackFile';
import { deployStackFile, gateStack, managerVariables, specImages } from './stackDeploy';
import type { SwarmDeployPlan } from './swarmDeployPlan';
import type { ServiceOutcome } from './updateGate';
import type { BackupSummary } from '../operations/backupPort';
import { liveCommitOf } from '../operations/environmentHistory';
import { databaseServiceExists, databaseServiceName, volumesOnNodes } from './databaseNode';
import { databasePlacementProblem, databaseVolumeNames } from './databasePlacement';

export interface SwarmDeployOptions {
  /** Environment name; default the production one. */
  environment?: string;
  /** Commit uncommitted changes with this message as part of the deploy. */
  message?: string;
  /** Awaited after every check and before anything changes; false ends the deploy with nothing changed. */
  confirm: (plan: SwarmDeployPlan) => Promise<boolean>;
  /** Overrides the environment's healthTimeoutSeconds. */
  healthTimeoutSeconds?: number;
  stagingFirst?: 'refuse' | 'ask';
  /** Git remote to push to (default origin; skipped with a notice when the repository has none). */
  remote?: string;
}

export interface SwarmDeployResult {
  /** `rolled-back`: Swarm rolled a service back after its new tasks failed; production runs its previous version. */
  outcome: 'succeeded' | 'declined' | 'rolled-back';
  plan: SwarmDeployPlan;
  commit?: string;
  tag?: string;
  /** The verified backup taken before the stack changed (none without a database, or before its first deploy). */
  backup?: BackupSummary;
  /** Service → the image reference deployed. */
  images?: Record<string, string>;
  /** For rolled-back: what happened, in one sentence. */
  error?: string;
  /** Each node that went down during the update and where Swarm rescheduled its tasks, one sentence each (no period). */
  nodesLost?: string[];
}

/** The Swarm production environment, or a refusal in one sentence of what it lacks. */
export function swarmProductionEnvironment(deps: Pick<OperationDeps, 'config'>, name: string | undefined): SwarmEnvironment {
  const environment = findEnvironment(deps.config, name, true);
  const { swarm } = environment;
  if (!swarm) throw new DeployRefusedError(`${environment.label} does not run on Docker Swarm; it is deployed with Compose.`);
  if (!swarm.registry) {
    throw new DeployRefusedError(`${environment.label} names no registry its nodes pull from, so its images cannot reach the swarm; add \`registry: host:port\` to its swarm block.`);
  }
  return environment as SwarmEnvironment;
}

type SwarmEnvironment = Environment & { swarm: { stack: string; registry: string } };

/**
 * What the confirmation says of the backup, or a refusal in one sentence: a database
 * service that is not a single replica pinned to a node with a named volume; before the
 * first deploy (no database service on the swarm yet, and none of its volumes on any
 * node) there is no data to back up.
 */
async function backupLine(deps: OperationDeps, environment: SwarmEnvironment, document: Record<string, unknown>): Promise<{ line: string; take: boolean }> {
  const database = environment.database;
  if (!database) return { line: 'No database service: no backup is taken.', take: false };
  const problem = databasePlacementProblem(document, database.service);
  if (problem) throw new DeployRefusedError(`${environment.label}'s database service ${database.service} ${problem}.`);
  if (!(await databaseServiceExists(deps.docker, environment))) {
    const left = await volumesOnNodes(deps.docker, environment, databaseVolumeNames(document, database.service, environment.swarm.stack));
    if (left.length > 0) {
      throw new DeployRefusedError(`${environment.label}'s database service ${databaseServiceName(environment)} is not on the swarm, but its volume ${left.join(' and ')} is, with data no backup can reach while no database runs on it; deploying would start the database on it unbacked. Back that volume up or remove it, then deploy again.`);
    }
    return { line: `First deploy of the database: ${databaseServiceName(environment)} is not on the swarm yet, so there is no data to back up; it starts on its volume on its node.`, take: false };
  }
  return { line: `A verified backup of the ${database.name} database will be taken first, through the node ${databaseServiceName(environment)} runs on; the stack changes only once it is verified.`, take: true };
}

/** A confirmed deploy as it runs. */
interface Run {
  deps: OperationDeps;
  options: SwarmDeployOptions;
  environment: SwarmEnvironment;
  plan: SwarmDeployPlan;
  /** The confirmation said a backup is taken first. */
  backup: boolean;
  signal: AbortSignal;
  contexts: ReleaseContexts;
  built: string[];
  document: Record<string, unknown>;
  progress: ProgressReporter;
  noReturn: ReturnType<typeof pointOfNoReturn>;
  line: HistoryLine;
  startedAt: Date;
}

interface Facts {
  /** What the deploy saw happen to the swarm (a node lost), for the history line. */
  notice?: string;
  previous?: Record<string, string>;
  backup?: BackupSummary;
  commit?: string;
  tag?: string;
  images?: Record<string, string>;
}

/** Steps before which the stack runs exactly what it ran. */
const STACK_UNTOUCHED_BEFORE = new Set(['', 'backup', 'git', 'build', 'push']);

export async function deploySwarmProduction(deps: OperationDeps, options: SwarmDeployOptions, signal: AbortSignal, onProgress?: ProgressListener): Promise<SwarmDeployResult> {
  const progress = progressReporter(onProgress);
  const environment = swarmProductionEnvironment(deps, options.environment);
  const { built } = builtServices(deps.config, environment);

  progress.running('preflight', 'Checking branch, working tree and staging');
  const release = await checkRelease(deps.dockerFor ?? dockerClientFor, deps.config, environment, {
    ...options, onCheck: (item) => progress.log('checklist', checklistLine(item)),
  }, signal);
  const contexts = await releaseContexts(projectRepository(deps.config, signal), deps.config, built);
  const document = readComposeDocument(fs.readFileSync(deps.config.file, 'utf8'));
  const backup = await backupLine(deps, environment, document);
  const plan: SwarmDeployPlan = {
    kind: 'swarm', environment: environment.name, label: environment.label, ...release,
    stack: environment.swarm.stack, registry: environment.swarm.registry, manager: environment.dockerHost ?? 'the local Docker engine',
    services: planStackServices(document, environment.services, built, environment.database?.service),
    healthTimeoutSeconds: options.healthTimeoutSeconds ?? environment.healthTimeoutSeconds,
    backup: backup.line,
  };
  progress.done('preflight', `${plan.branch} @ ${plan.commit.shortHash} may go to ${environment.label}`);

  if (!(await confirmPlan(options.confirm, plan, signal, progress))) return { outcome: 'declined', plan };

  const { lock, startedAt, noReturn, line } = await startConfirmedDeploy(deps, environment, plan, signal, progress);
  const run: Run = { deps, options, environment, plan, backup: backup.take, signal, contexts, built, document, progress, noReturn, line, startedAt };
  return holdingLock(lock, environment, (text) => progress.log('lock', text), () => deployConfirmed(run), () => ({
    noun: 'deploy', untouched: STACK_UNTOUCHED_BEFORE.has(noReturn.step), stoppedAt: line.stoppedAt,
  }));
}

async function deployConfirmed(run: Run): Promise<SwarmDeployResult> {
  const step = async <T>(name: string, facts: Facts, action: () => Promise<T>): Promise<T> => {
    try {
      run.noReturn.enter(name);
      await run.line.mark(name, lineFacts(facts));
      return await action();
    } catch (error) {
      await record(run, error instanceof CancelledError ? 'cancelled' : 'failed', facts, errorMessage(error));
      throw error;
    }
  };
  // what Swarm's own rollback and ours go back to
  const previous = await specImages(run.deps.docker, run.environment);
  const backup = run.backup ? await backedUp(run, previous) : undefined;
  const commit = await step('git', { previous, backup }, () => commitPlanned(run.deps.config, run.plan, run.progress));
  const tag = await step('git', { previous, backup, commit }, () => tagAndPushRelease(run, backup));
  const images = await step('build', { previous, backup, commit, tag }, () => buildRelease(run, commit, tag));
  const released = { previous, backup, commit, tag, images: images.images };
  await step('push', released, () => pushRelease(run, images));
  await step('deploy', released, () => deployStackFile({ ...run, config: run.deps.config, images: images.images, plan: run.plan.services, health: images.health }));
  const timeoutMs = (run.options.healthTimeoutSeconds ?? run.environment.healthTimeoutSeconds) * 1000;
  const { outcomes, nodesLost } = await step('health', released, () => gateStack(run.deps.docker, run.environment, images.images, timeoutMs, run.progress));
  // a lost node is part of what happened, whatever the outcome: the history line says it too
  const notice = nodesLost.length > 0 ? `${nodesLost.join('; ')}.` : undefined;

  const failed = outcomes.filter((o) => o.state === 'rolled-back' || o.state === 'paused' || o.state === 'stalled');
  if (failed.length === 0) {
    const remaining = nodesLost.length > 0 ? ' on the nodes left' : '';
    run.progress.done('health', `Every task of ${run.environment.label} runs ${run.plan.commit.shortHash} healthy${remaining}`);
    await record(run, 'succeeded', { ...released, notice });
    return { outcome: 'succeeded', plan: run.plan, commit, tag, backup, images: images.images, nodesLost };
  }
  const message = failureSentence(run, failed, outcomes, previous, nodesLost);
  run.progress.failed('health', message);
  const rolledBack = failed.every((o) => o.state === 'rolled-back' && previous[o.service]);
  // what runs now: the previous image where Swarm rolled back
  const running = { ...images.images, ...Object.fromEntries(failed.filter((o) => o.state === 'rolled-back').map((o) => [o.service, previous[o.service]])) };
  await record(run, rolledBack ? 'rolled-back' : 'failed', { ...released, images: running }, message);
  if (!rolledBack) throw new SwarmDeployFailedError(message);
  return { outcome: 'rolled-back', plan: run.plan, commit, tag, backup, images: running, error: message, nodesLost };
}

/** What Swarm's failure_action does with a stalled update once the lost node reports its task ended (Docker's default is pause). */
function afterStall(stalled: Extract<ServiceOutcome, { state: 'stalled' }>): string {
  if (stalled.failureAction === 'rollback') return `rolls ${stalled.service} back to the previous version`;
  if (stalled.failureAction === 'continue') return 'goes on with the update';
  return 'pauses the update';
}

/** A failure sentence with the nodes lost during the update before its period: still one sentence. */
const withNodesLost = (sentence: string, nodesLost: readonly string[]) => (nodesLost.length === 0 ? sentence : `${sentence.replace(/\.$/, '')}; ${nodesLost.join('; ')}.`);

/**
 * The verified backup, through the database's node, before anything changes: still
 * cancellable (nothing has changed), and a failure ends the deploy with the stack as it
 * was. It records the images the services' specs name now: what our rollback redeploys.
 */
async function backedUp(run: Run, previous: Record<string, string>): Promise<BackupSummary> {
  const { deps, environment, plan, progress } = run;
  await run.line.mark('backup', lineFacts({ previous }));
  try {
    progress.running('backup', `Backing up ${environment.database!.name} through the node ${databaseServiceName(environment)} runs on`);
    const backup = await deps.backups.create({
      environment, gitCommit: await liveCommitOf(deps.config, environment, deps.docker), images: previous,
      reason: `before deploy of ${plan.branch} @ ${plan.commit.shortHash}`,
    }, run.signal, (event) => progress.log('backup', event.message ?? event.logLine ?? ''));
    progress.done('backup', `Backup ${backup.id} taken and verified`);
    return backup;
  } catch (error) {
    const cancelled = error instanceof CancelledError || run.signal.aborted;
    await record(run, cancelled ? 'cancelled' : 'failed', { previous }, errorMessage(error));
    if (cancelled) throw error;
    throw new DeployRefusedError(`No verified backup of ${environment.database!.name} could be taken (${errorMessage(error).replace(/[.\s]+$/, '')}), so ${environment.label} was not deployed and runs as before.`, {
      cause: error, remedies: error instanceof DualEnvError ? error.remedies : [],
    });
  }
}

/** A Swarm deploy that changed the stack and did not end with every service on the new version or rolled back by Swarm. */
export class SwarmDeployFailedError extends DualEnvError {
  readonly exitCode = 1;
}

/** One sentence: which services Swarm rolled back or stopped, why, and what production runs. */
function failureSentence(run: Run, failed: ServiceOutcome[], outcomes: ServiceOutcome[], previous: Record<string, string>, nodesLost: readonly string[]): string {
  const names = failed.map((o) => o.service).join(' and ');
  const updated = outcomes.filter((o) => o.state === 'updated' && run.built.includes(o.service)).map((o) => o.service);
  const others = updated.length > 0 ? `, while ${updated.join(', ')} run${updated.length === 1 ? 's' : ''} the new version` : '';
  const stalled = failed.find((o): o is Extract<ServiceOutcome, { state: 'stalled' }> => o.state === 'stalled');
  if (stalled) {
    const lost = nodesLost.length > 0 ? `${nodesLost.join('; ')}, but ` : '';
    return `${lost}Swarm's update of ${stalled.service} waits for its new task on ${stalled.node}, which had not run when the node went down: once ${stalled.node} is back, Swarm counts that task`
      + ` as failed and ${afterStall(stalled)}; production serves ${stalled.service} from the nodes left meanwhile (${stalled.serving})${others}.`;
  }
  const paused = failed.find((o): o is Extract<ServiceOutcome, { state: 'paused' }> => o.state === 'paused');
  if (paused) return withNodesLost(`Swarm paused the update of ${paused.service} (${paused.reason}), so production runs a mix of the old and new version${others}; look at its tasks, then deploy again or run docker service rollback.`, nodesLost);
  const reasons = failed.map((o) => (o.state === 'rolled-back' && o.reason ? o.reason : undefined)).filter(Boolean);
  const noPrevious = failed.filter((o) => o.state === 'rolled-back' && !previous[o.service]).map((o) => o.service);
  if (noPrevious.length > 0) return withNodesLost(`The new image of ${noPrevious.join(' and ')} failed its health check${reasons.length ? ` (${reasons[0]})` : ''} and there was no previous version to roll back to, so it does not run${others}.`, nodesLost);
  return withNodesLost(`The new image of ${names} failed its health check${reasons.length ? ` (${reasons[0]})` : ''}, so Swarm rolled ${names} back automatically and production runs the previous version${failed.length === 1 ? ' of it' : ''}${others}.`, nodesLost);
}

async function tagAndPushRelease(run: Run, backup: BackupSummary | undefined): Promise<string> {
  const repo = projectRepository(run.deps.config);
  const tag = await createProductionTag(repo, run.startedAt, `Deployed to ${run.environment.label} (Swarm stack ${run.environment.swarm.stack}) by Dual Env${backup ? `; backup ${backup.id}` : ''}`);
  await pushBranchWithTag(run.deps.config, run.plan.branch, tag, run.options.remote ?? 'origin', run.progress);
  return tag;
}

async function buildRelease(run: Run, commit: string, tag: string): Promise<{ images: Record<string, string>; health?: BuiltRelease['health'] }> {
  const { deps, built, progress, environment } = run;
  const target = composeTarget(deps.config, deps.compose, { ...managerVariables(environment), GIT_COMMIT: commit, APP_VERSION: tag });
  progress.running('build', `Building ${built.join(', ')} from ${tag} (${commit.slice(0, 7)}) on ${run.plan.manager}; the stack is not touched`);
  await buildOnManager(projectRepository(deps.config), target, commit, run.contexts, built, (line) => progress.log('build', line));
  progress.done('build', 'New images built on the manager');
  const images = Object.fromEntries(built.map((service) => [service, releaseImage(environment.swarm.registry, environment.swarm.stack, service, commit)]));
  return { images };
}

async function pushRelease(run: Run, images: { images: Record<string, string> }) {
  const { deps, built, progress } = run;
  progress.running('push', `Pushing ${built.join(', ')} to ${run.environment.swarm.registry} from the manager`);
  const pushed = await tagAndPush(deps.docker, deps.config, built, (service) => images.images[service], (line) => progress.log('push', line));
  Object.assign(images, pushed);
  progress.done('push', `Pushed ${Object.values(pushed.images).join(', ')}`);
}

async function record(run: Run, outcome: HistoryOutcome, facts: Facts, error?: string): Promise<boolean> {
  return run.line.record(outcome, lineFacts(facts), error);
}

const lineFacts = (facts: Facts) => ({ notice: facts.notice, commit: facts.commit, tag: facts.tag, images: facts.images, previousImages: facts.previous, backupId: facts.backup?.id });
