import type Docker from 'dockerode';
import { CommandFailedError, errorMessage } from '../common/errors';
import { buildServices, ensureServicesUp, recreateServices, removeServices, type ComposeTarget } from '../compose/composeRunner';
import type { DualEnvConfig, Environment } from '../config';
import { currentBranch, headCommit, isRepository, treeState } from '../git';
import { refuseUnlessComposeCanInterpolate } from './composeInterpolation';
import { historyLine, type HistoryLine } from './historyLine';
import { readProjectContainers } from '../docker/discovery';
import { builtImages } from './liveImages';
import { acquireEnvironmentLock, holdingLock } from './environmentLock';
import { builtServices, pickEnvironment, targetFor, type OperationDeps } from './operationContext';
import { progressReporter, type ProgressListener, type ProgressReporter } from '../common/progress';
import { waitForHealth } from './waitForHealth';
import { projectRepository } from './projectRepository';

/** Fresh staging data: the database re-initialised from the compose file's init SQL, or a production backup loaded. */
export type FreshData = { kind: 'init' } | { kind: 'backup'; backupId: string };

export interface DeployStagingOptions {
  environment?: string;
  freshData?: FreshData;
  healthTimeoutSeconds?: number;
}

export interface StagingDeployResult {
  commit?: string;
  branch?: string;
  /** The working tree had uncommitted changes, which went into the images. */
  dirty: boolean;
  images: Record<string, string>;
  url?: string;
}

/**
 * Deploys the working tree to staging: record HEAD, build, (fresh data),
 * recreate, wait for health, report the URL. Production is never touched.
 */
export async function deployStaging(deps: OperationDeps, options: DeployStagingOptions, signal: AbortSignal, onProgress?: ProgressListener): Promise<StagingDeployResult> {
  const progress = progressReporter(onProgress);
  const now = deps.now ?? (() => new Date());
  const environment = pickEnvironment(deps.config, options.environment, false);
  const repo = projectRepository(deps.config, signal);
  const versioned = await isRepository(repo);
  const head = versioned ? await headCommit(repo).catch(() => undefined) : undefined;
  const branch = versioned ? await currentBranch(repo).catch(() => undefined) : undefined;
  const dirty = versioned ? !(await treeState(repo)).clean : false;
  // before the lock and the history: a refusal here leaves staging as it was
  await refuseUnlessComposeCanInterpolate(deps, environment, signal, head);
  progress.done('preflight', head ? `${branch ?? 'detached HEAD'} @ ${head.shortHash}${dirty ? ' with uncommitted changes' : ''}` : 'Not a git repository; deploying the folder as it is');

  const lock = await acquireEnvironmentLock(deps.config, environment, `staging deploy${branch ? ` of ${branch}` : ''}`, deps.docker);
  const result: StagingDeployResult = { commit: head?.hash, branch, dirty, images: {} };
  const line = historyLine(deps, environment, {
    operation: 'deploy', noun: 'staging deploy', startedAt: now(),
    facts: () => ({ commit: head?.hash, branch, dirty, images: result.images }),
  }, progress);
  const run: Run = { deps, options, environment, target: targetFor(deps, environment, head?.hash, head?.shortHash), result, signal, progress, line };
  // a failure whose lock stays on a server that stopped answering says so, and where the history stopped
  return holdingLock(lock, environment, (text) => progress.log('lock', text), () => deployLocked(run), () => ({
    noun: 'staging deploy', untouched: STAGING_UNTOUCHED_IN.has(line.step), stoppedAt: line.stoppedAt,
  }));
}

/** Steps of a staging deploy in which nothing of staging is replaced yet (undefined: before the first). */
const STAGING_UNTOUCHED_IN = new Set([undefined, 'build']);

/** A staging deploy holding its lock: what its steps are given. */
interface Run {
  deps: OperationDeps;
  options: DeployStagingOptions;
  environment: Environment;
  target: ComposeTarget;
  /** Filled in as the deploy goes: the images once built, the URL once healthy. */
  result: StagingDeployResult;
  signal: AbortSignal;
  progress: ProgressReporter;
  /** This deploy's history line: `unfinished` ahead of each step, then its outcome. */
  line: HistoryLine;
}

/** Build, (fresh data), recreate, health: each step announced in the history line before it starts, the outcome written last. */
async function deployLocked(run: Run): Promise<StagingDeployResult> {
  const { deps, options, environment, target, result, signal, progress, line } = run;
  try {
    const { built, others } = builtServices(deps.config, environment);
    const onLine = (step: string) => (text: string) => progress.log(step, text);

    await line.mark('build');
    progress.running('build', `Building ${built.join(', ')}`);
    await buildServices(target, built, { signal, onLine: onLine('build') });
    result.images = await builtImages(deps.docker, deps.config, built);
    progress.done('build', 'Images built');

    if (options.freshData) {
      await line.mark('data');
      await resetData(deps, environment, target, options.freshData, signal, progress);
    }

    await line.mark('recreate');
    progress.running('recreate', `Replacing ${built.join(', ')}`);
    // the database first: the app's health depends on it, and a first deploy (a new server) has none running yet
    if (others.length > 0) await ensureServicesUp(target, others, { signal, onLine: onLine('recreate') });
    await recreateServices(target, built, { signal, onLine: onLine('recreate') });
    progress.done('recreate', `Recreated ${built.join(', ')}`);

    await line.mark('health');
    progress.running('health', `Waiting for ${environment.label} to be healthy`);
    await waitForHealth(deps.docker, deps.config, environment.services, {
      timeoutMs: (options.healthTimeoutSeconds ?? environment.healthTimeoutSeconds) * 1000,
      onStatus: onLine('health'),
      signal,
    });
    result.url = environment.url;
    progress.done('health', `${environment.label} is healthy${environment.url ? ` at ${environment.url}` : ''}`);
    await line.record('succeeded');
    return result;
  } catch (error) {
    await line.record(signal.aborted ? 'cancelled' : 'failed', {}, errorMessage(error));
    throw error;
  }
}

async function resetData(deps: OperationDeps, environment: Environment, target: ComposeTarget, fresh: FreshData, signal: AbortSignal, progress: ProgressReporter): Promise<void> {
  const database = environment.database;
  if (!database) throw new CommandFailedError(`${environment.name} declares no database in x-dual-env, so there is no data to reset; add its database block.`, null, '');
  if (fresh.kind === 'backup') {
    const production = deps.config.environments.find((e) => e.isProduction);
    if (!production) throw new CommandFailedError(`${deps.config.file} declares no production environment, so there is no production backup ${fresh.backupId} to load.`, null, '');
    progress.running('data', `Loading production backup ${fresh.backupId} into ${database.name}`);
    await deps.backups.restore({ environment, backupId: fresh.backupId, from: production }, signal, (event) => progress.log('data', event.message ?? event.logLine ?? ''));
    progress.done('data', `Staging data replaced by backup ${fresh.backupId}`);
    return;
  }
  progress.running('data', `Re-initialising ${database.name} from the init SQL`);
  const volumes = await dataVolumes(deps.docker, deps.config, database.service);
  await removeServices(target, [database.service], { signal, onLine: (line) => progress.log('data', line) });
  for (const volume of volumes) await deps.docker.getVolume(volume).remove();
  // the image's entrypoint runs the init SQL on an empty data volume
  await ensureServicesUp(target, [database.service], { signal, onLine: (line) => progress.log('data', line) });
  await waitForHealth(deps.docker, deps.config, [database.service], { timeoutMs: environment.healthTimeoutSeconds * 1000, signal });
  progress.done('data', `${database.name} re-initialised`);
}

/**
 * Named volumes of the database service (its data), which must belong to this
 * compose project: those its container mounts, or, with no container, those
 * the compose file declares for it. None is a refusal, before anything is
 * removed: a bind mount or an external volume would keep the old data, and
 * the reset would claim a fresh database it did not make.
 */
async function dataVolumes(docker: Docker, config: DualEnvConfig, service: string): Promise<string[]> {
  const [container] = await readProjectContainers(docker, config.projectName, [service]);
  const declared = (config.services.get(service)?.volumes ?? []).filter((v) => v.kind === 'volume').map((v) => `${config.projectName}_${v.source}`);
  const names = container?.containerId
    ? (await docker.getContainer(container.containerId).inspect()).Mounts.filter((m) => m.Type === 'volume' && m.Name).map((m) => m.Name as string)
    : declared;
  const owned: string[] = [];
  for (const name of names) {
    const volume = await docker.getVolume(name).inspect().catch(() => undefined);
    if (volume?.Labels?.['com.docker.compose.project'] === config.projectName) owned.push(name);
  }
  // never started: its declared volumes do not exist yet, so the data is fresh already
  if (owned.length === 0 && !container?.containerId && declared.length > 0) return [];
  if (owned.length === 0) {
    throw new CommandFailedError(`${service} keeps its data in no named volume of compose project ${config.projectName} (a bind mount or an external volume is not removed by Dual Env), so its data cannot be re-initialised; nothing was changed.`, null, '');
  }
  return owned;
}
