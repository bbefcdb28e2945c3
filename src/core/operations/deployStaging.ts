import type Docker from 'dockerode';
import { CommandFailedError, errorMessage } from '../common/errors';
import { buildServices, ensureServicesUp, recreateServices, removeServices, type ComposeTarget } from '../compose/composeRunner';
import type { DualEnvConfig, Environment } from '../config';
import { currentBranch, headCommit, isRepository, treeState } from '../git';
import { refuseUnlessComposeCanInterpolate } from './composeInterpolation';
import { recordHistory } from './environmentHistory';
import { newRecord, type HistoryOutcome } from './history';
import { readProjectContainers } from '../docker/discovery';
import { builtImages } from './liveImages';
import { acquireEnvironmentLock, releaseLock } from './environmentLock';
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
  const startedAt = now();
  const result: StagingDeployResult = { commit: head?.hash, branch, dirty, images: {} };
  // a line that cannot be written (the server gone) is said, never thrown over the deploy's own outcome
  const record = (outcome: HistoryOutcome, error?: string) => recordHistory(deps.config, environment, newRecord({
    operation: 'deploy', environment: environment.name, outcome, error, commit: head?.hash, branch, dirty, images: result.images,
    startedAt: startedAt.toISOString(), finishedAt: now().toISOString(), durationMs: now().getTime() - startedAt.getTime(),
  }), deps.docker).catch((writeError: unknown) => progress.log('history', `The history line of this deploy (${outcome}) could not be written: ${errorMessage(writeError)}`));
  try {
    const { built, others } = builtServices(deps.config, environment);
    const target = targetFor(deps, environment, head?.hash, head?.shortHash);
    const onLine = (step: string) => (line: string) => progress.log(step, line);

    progress.running('build', `Building ${built.join(', ')}`);
    await buildServices(target, built, { signal, onLine: onLine('build') });
    result.images = await builtImages(deps.docker, deps.config, built);
    progress.done('build', 'Images built');

    if (options.freshData) await resetData(deps, environment, target, options.freshData, signal, progress);

    progress.running('recreate', `Replacing ${built.join(', ')}`);
    // the database first: the app's health depends on it, and a first deploy (a new server) has none running yet
    if (others.length > 0) await ensureServicesUp(target, others, { signal, onLine: onLine('recreate') });
    await recreateServices(target, built, { signal, onLine: onLine('recreate') });
    progress.done('recreate', `Recreated ${built.join(', ')}`);

    progress.running('health', `Waiting for ${environment.label} to be healthy`);
    await waitForHealth(deps.docker, deps.config, environment.services, {
      timeoutMs: (options.healthTimeoutSeconds ?? environment.healthTimeoutSeconds) * 1000,
      onStatus: onLine('health'),
      signal,
    });
    result.url = environment.url;
    progress.done('health', `${environment.label} is healthy${environment.url ? ` at ${environment.url}` : ''}`);
    await record('succeeded');
    return result;
  } catch (error) {
    await record(signal.aborted ? 'cancelled' : 'failed', errorMessage(error));
    throw error;
  } finally {
    await releaseLock(lock, environment, (line) => progress.log('lock', line));
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
