// A production deploy of a Swarm environment, keeping the Compose path's promises
// where they apply: the release checks (branch policy, tree, staging checklist), the
// exact plan confirmed, the environment's lock, commit/tag/push, images built on the
// manager and pushed to the cluster's registry before the stack changes at all, then
// `docker stack deploy` of a stack file rendered from the project's compose file and
// a health gate that follows Swarm's own rolling update and its automatic rollback.
// The history line is written ahead of each step. A database on Swarm is refused:
// its backup (through the node it is pinned to) is not built yet, and production is
// never deployed without a verified backup.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CancelledError, DualEnvError, errorMessage } from '../common/errors';
import { runChecked } from '../common/process';
import { progressReporter, type ProgressListener, type ProgressReporter } from '../common/progress';
import { composeTarget } from '../compose/composeRunner';
import { loadVariables } from '../config/interpolate';
import type { Environment } from '../config';
import { callDocker, dockerClientFor, isApiError } from '../docker/client';
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
import { buildOnManager, releaseImage, tagAndPush } from './releaseImages';
import { composeHealthTiming, planStackServices, readComposeDocument, renderStackFile } from './stackFile';
import type { SwarmDeployPlan } from './swarmDeployPlan';
import { followUpdate, type ServiceOutcome } from './updateGate';

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
  /** Service → the image reference deployed. */
  images?: Record<string, string>;
  /** For rolled-back: what happened, in one sentence. */
  error?: string;
}

/** The Swarm production environment, or a refusal in one sentence of what it lacks. */
export function swarmProductionEnvironment(deps: Pick<OperationDeps, 'config'>, name: string | undefined): Environment & { swarm: { stack: string; registry: string } } {
  const environment = findEnvironment(deps.config, name, true);
  const { swarm } = environment;
  if (!swarm) throw new DeployRefusedError(`${environment.label} does not run on Docker Swarm; it is deployed with Compose.`);
  if (!swarm.registry) {
    throw new DeployRefusedError(`${environment.label} names no registry its nodes pull from, so its images cannot reach the swarm; add \`registry: host:port\` to its swarm block.`);
  }
  if (environment.database) {
    throw new DeployRefusedError(`${environment.label} has the database ${environment.database.name}, and Dual Env cannot yet back up a database on Swarm through its node; production is never deployed without a verified backup, so deploy it with docker stack deploy for now.`);
  }
  return environment as Environment & { swarm: { stack: string; registry: string } };
}

/** A confirmed deploy as it runs. */
interface Run {
  deps: OperationDeps;
  options: SwarmDeployOptions;
  environment: Environment & { swarm: { stack: string; registry: string } };
  plan: SwarmDeployPlan;
  contexts: ReleaseContexts;
  built: string[];
  document: Record<string, unknown>;
  progress: ProgressReporter;
  noReturn: ReturnType<typeof pointOfNoReturn>;
  line: HistoryLine;
  startedAt: Date;
}

interface Facts {
  previous?: Record<string, string>;
  commit?: string;
  tag?: string;
  images?: Record<string, string>;
}

/** Steps before which the stack runs exactly what it ran. */
const STACK_UNTOUCHED_BEFORE = new Set(['', 'git', 'build', 'push']);

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
  const plan: SwarmDeployPlan = {
    kind: 'swarm', environment: environment.name, label: environment.label, ...release,
    stack: environment.swarm.stack, registry: environment.swarm.registry, manager: environment.dockerHost ?? 'the local Docker engine',
    services: planStackServices(document, environment.services, built),
    healthTimeoutSeconds: options.healthTimeoutSeconds ?? environment.healthTimeoutSeconds,
    backup: 'No database service: no backup is taken.',
  };
  progress.done('preflight', `${plan.branch} @ ${plan.commit.shortHash} may go to ${environment.label}`);

  if (!(await confirmPlan(options.confirm, plan, signal, progress))) return { outcome: 'declined', plan };

  const { lock, startedAt, noReturn, line } = await startConfirmedDeploy(deps, environment, plan, signal, progress);
  const run: Run = { deps, options, environment, plan, contexts, built, document, progress, noReturn, line, startedAt };
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
  const previous = await runningSpecImages(run);
  const commit = await step('git', { previous }, () => commitPlanned(run.deps.config, run.plan, run.progress));
  const tag = await step('git', { previous, commit }, () => tagAndPushRelease(run));
  const images = await step('build', { previous, commit, tag }, () => buildRelease(run, commit, tag));
  const released = { previous, commit, tag, images: images.images };
  await step('push', released, () => pushRelease(run, images));
  await step('deploy', released, () => deployStack(run, images));
  const outcomes = await step('health', released, () => gate(run, images.images));

  const failed = outcomes.filter((o) => o.state === 'rolled-back' || o.state === 'paused');
  if (failed.length === 0) {
    run.progress.done('health', `Every task of ${run.environment.label} runs ${run.plan.commit.shortHash} healthy`);
    await record(run, 'succeeded', released);
    return { outcome: 'succeeded', plan: run.plan, commit, tag, images: images.images };
  }
  const message = failureSentence(run, failed, outcomes, previous);
  run.progress.failed('health', message);
  const rolledBack = failed.every((o) => o.state === 'rolled-back' && previous[o.service]);
  // what runs now: the previous image where Swarm rolled back
  const running = { ...images.images, ...Object.fromEntries(failed.filter((o) => o.state === 'rolled-back').map((o) => [o.service, previous[o.service]])) };
  await record(run, rolledBack ? 'rolled-back' : 'failed', { ...released, images: running }, message);
  if (!rolledBack) throw new SwarmDeployFailedError(message);
  return { outcome: 'rolled-back', plan: run.plan, commit, tag, images: running, error: message };
}

/** A Swarm deploy that changed the stack and did not end with every service on the new version or rolled back by Swarm. */
export class SwarmDeployFailedError extends DualEnvError {
  readonly exitCode = 1;
}

/** One sentence: which services Swarm rolled back or stopped, why, and what production runs. */
function failureSentence(run: Run, failed: ServiceOutcome[], outcomes: ServiceOutcome[], previous: Record<string, string>): string {
  const names = failed.map((o) => o.service).join(' and ');
  const updated = outcomes.filter((o) => o.state === 'updated' && run.built.includes(o.service)).map((o) => o.service);
  const others = updated.length > 0 ? `, while ${updated.join(', ')} run${updated.length === 1 ? 's' : ''} the new version` : '';
  const paused = failed.find((o): o is Extract<ServiceOutcome, { state: 'paused' }> => o.state === 'paused');
  if (paused) return `Swarm paused the update of ${paused.service} (${paused.reason}), so production runs a mix of the old and new version${others}; look at its tasks, then deploy again or run docker service rollback.`;
  const reasons = failed.map((o) => (o.state === 'rolled-back' && o.reason ? o.reason : undefined)).filter(Boolean);
  const noPrevious = failed.filter((o) => o.state === 'rolled-back' && !previous[o.service]).map((o) => o.service);
  if (noPrevious.length > 0) return `The new image of ${noPrevious.join(' and ')} failed its health check${reasons.length ? ` (${reasons[0]})` : ''} and there was no previous version to roll back to, so it does not run${others}.`;
  return `The new image of ${names} failed its health check${reasons.length ? ` (${reasons[0]})` : ''}, so Swarm rolled ${names} back automatically and production runs the previous version${failed.length === 1 ? ' of it' : ''}${others}.`;
}

/** Service → the image its Swarm service's spec names now: what a rollback goes back to (none for a service not deployed yet). */
async function runningSpecImages(run: Run): Promise<Record<string, string>> {
  const { docker } = run.deps;
  const images: Record<string, string> = {};
  for (const service of run.environment.services) {
    const name = `${run.environment.swarm.stack}_${service}`;
    const info = await callDocker(docker, () => docker.getService(name).inspect()).catch((error: unknown) => {
      if (isApiError(error) && error.statusCode === 404) return undefined;
      throw error;
    });
    const image = (info as { Spec?: { TaskTemplate?: { ContainerSpec?: { Image?: string } } } } | undefined)?.Spec?.TaskTemplate?.ContainerSpec?.Image;
    if (image) images[service] = image;
  }
  return images;
}

async function tagAndPushRelease(run: Run): Promise<string> {
  const repo = projectRepository(run.deps.config);
  const tag = await createProductionTag(repo, run.startedAt, `Deployed to ${run.environment.label} (Swarm stack ${run.environment.swarm.stack}) by Dual Env`);
  await pushBranchWithTag(run.deps.config, run.plan.branch, tag, run.options.remote ?? 'origin', run.progress);
  return tag;
}

/** The manager's engine, as the docker CLI and Compose are pointed at it. */
const managerVariables = (run: Run): Record<string, string> => (run.environment.dockerHost ? { DOCKER_HOST: run.environment.dockerHost } : {});

async function buildRelease(run: Run, commit: string, tag: string) {
  const { deps, built, progress, environment } = run;
  const target = composeTarget(deps.config, deps.compose, { ...managerVariables(run), GIT_COMMIT: commit, APP_VERSION: tag });
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

/** Writes the stack file and runs `docker stack deploy` against the manager; the file is removed after. */
async function deployStack(run: Run, release: { images: Record<string, string>; health?: Record<string, ReturnType<typeof composeHealthTiming>> }): Promise<void> {
  const { environment, progress, document } = run;
  const health = Object.fromEntries(environment.services.map((service) => [service, composeHealthTiming(document, service) ?? release.health?.[service]]));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-stack-'));
  const file = path.join(dir, `${environment.swarm.stack}.yml`);
  try {
    fs.writeFileSync(file, renderStackFile(document, { images: release.images, plan: run.plan.services, health }));
    progress.running('deploy', `docker stack deploy ${environment.swarm.stack}: a rolling update, one task at a time`);
    // detached (the only mode of older CLIs): the gate follows the update itself. Images are
    // named by commit, so there is no digest to resolve, and the client need not reach the registry.
    await runChecked('docker', ['stack', 'deploy', '--compose-file', file, '--resolve-image', 'never', environment.swarm.stack], `docker stack deploy of ${environment.swarm.stack}`, {
      cwd: run.deps.config.projectDir,
      // docker stack deploy interpolates the file's ${VAR}s but, unlike Compose, never reads .env
      env: { ...loadVariables(path.join(run.deps.config.projectDir, '.env')), ...managerVariables(run) },
      onLine: (line) => { if (line.trim()) progress.log('deploy', line); },
    });
    progress.done('deploy', `Stack ${environment.swarm.stack} updated; Swarm rolls the services`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function gate(run: Run, images: Record<string, string>): Promise<ServiceOutcome[]> {
  const timeoutMs = (run.options.healthTimeoutSeconds ?? run.environment.healthTimeoutSeconds) * 1000;
  run.progress.running('health', `Waiting up to ${timeoutMs / 1000} s for every new task to run healthy`);
  const expected = Object.fromEntries(run.environment.services.map((service) => [service, images[service]]));
  return followUpdate(run.deps.docker, run.environment.swarm.stack, expected, { timeoutMs, onStatus: (line) => run.progress.log('health', line) });
}

async function record(run: Run, outcome: HistoryOutcome, facts: Facts, error?: string): Promise<boolean> {
  return run.line.record(outcome, lineFacts(facts), error);
}

const lineFacts = (facts: Facts) => ({ commit: facts.commit, tag: facts.tag, images: facts.images, previousImages: facts.previous });
