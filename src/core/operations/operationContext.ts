import type Docker from 'dockerode';
import { CancelledError, DualEnvError, UsageError, type DualEnvErrorOptions } from '../common/errors';
import type { Remedy } from '../common/remedies';
import type { ComposeCommand } from '../compose/composeCommand';
import { composeTarget, type ComposeTarget } from '../compose/composeRunner';
import { assertIsolated, type DualEnvConfig, type Environment } from '../config';
import type { DatabaseBackups } from './backupPort';
import type { ProgressReporter } from '../common/progress';

/** What deploy, rollback and the start/stop operations are given to work with. */
export interface OperationDeps {
  config: DualEnvConfig;
  /** The Docker engine of the environment operated on. */
  docker: Docker;
  /** The engine of any environment (staging's for the staging-first check); default: its client from its dockerHost. */
  dockerFor?: (environment: Environment) => Docker;
  compose: ComposeCommand;
  backups: DatabaseBackups;
  /** Clock for tags and history (tests pin it). */
  now?: () => Date;
}

/** The environment by name, or the production one when none is named; refused when the file does not keep environments apart. */
export function pickEnvironment(config: DualEnvConfig, name: string | undefined, wantProduction: boolean): Environment {
  const environment = findEnvironment(config, name, wantProduction);
  refuseSwarm(environment);
  return environment;
}

/** As pickEnvironment, Swarm environments included: for the operations that handle them. */
export function findEnvironment(config: DualEnvConfig, name: string | undefined, wantProduction: boolean): Environment {
  assertIsolated(config);
  const environment = name ? config.environments.find((e) => e.name === name) : config.environments.find((e) => e.isProduction === wantProduction);
  if (!environment) {
    throw new UsageError(`${config.file} declares no ${name ? `environment "${name}"` : wantProduction ? 'production environment' : 'staging environment'}; it has: ${config.environments.map((e) => e.name).join(', ')}.`);
  }
  if (environment.isProduction !== wantProduction) {
    throw new UsageError(`${environment.name} is ${environment.isProduction ? '' : 'not '}a production environment; use the ${environment.isProduction ? 'production' : 'staging'} deploy for it.`);
  }
  return environment;
}

/**
 * Compose pointed at a Swarm manager would start plain containers beside the stack:
 * until deploys of Swarm environments exist, every Compose path refuses them.
 */
function refuseSwarm(environment: Environment): void {
  if (!environment.swarm) return;
  throw new UsageError(`${environment.label} runs on Docker Swarm as the stack ${environment.swarm.stack}, which Dual Env shows, deploys to production and rolls back but does not yet start, stop or deploy as staging; use docker stack for that for now.`);
}

/** Services of the environment that Compose builds (the app); the rest (database) are only kept running. */
export function builtServices(config: DualEnvConfig, environment: Environment): { built: string[]; others: string[] } {
  const built = environment.services.filter((s) => config.services.get(s)?.buildContext);
  return { built, others: environment.services.filter((s) => !built.includes(s)) };
}

/** Compose for the environment, with the deployed commit in its variables so `/api/version` can show it. */
export function targetFor(deps: Pick<OperationDeps, 'config' | 'compose'>, environment: Environment, commit?: string, version?: string): ComposeTarget {
  refuseSwarm(environment);
  const variables: Record<string, string> = {};
  if (commit) variables.GIT_COMMIT = commit;
  if (version) variables.APP_VERSION = version;
  if (environment.dockerHost) variables.DOCKER_HOST = environment.dockerHost;
  return composeTarget(deps.config, deps.compose, variables);
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new CancelledError();
}

/**
 * After the first step that changes something, a cancel request can no longer
 * stop the operation half-way; it is answered with what is being finished.
 */
export function pointOfNoReturn(signal: AbortSignal, progress: ProgressReporter) {
  let step = '';
  let passed = false;
  const answer = () => progress.running(step, `Cannot stop now, finishing step ${step}; the operation will complete or roll back.`);
  signal.addEventListener('abort', () => { if (passed) answer(); }, { once: true });
  return {
    /** Enters a step; from the first call on, cancellation is refused. */
    enter(name: string) {
      step = name;
      if (!passed && signal.aborted) throw new CancelledError();
      passed = true;
    },
    get passed() { return passed; },
    /** The step entered last. */
    get step() { return step; },
  };
}

/**
 * Awaits the caller's answer to a plan. False ends the operation having
 * changed nothing; a cancel during the question counts as a cancel.
 */
export async function confirmPlan<Plan>(confirm: (plan: Plan) => Promise<boolean>, plan: Plan, signal: AbortSignal, progress: ProgressReporter): Promise<boolean> {
  progress.running('confirm', 'Waiting for confirmation');
  const confirmed = await confirm(plan);
  throwIfCancelled(signal);
  if (!confirmed) {
    progress.skipped('confirm', 'Not confirmed; nothing was changed.');
    return false;
  }
  progress.done('confirm', 'Confirmed');
  return true;
}

/** A deploy or rollback that failed once it had begun changing production: production may run the new version, the old one, or nothing. */
/** The way back for an environment that changed: roll it back to this backup. */
export function rollbackTo(environment: Environment, backupId: string): Remedy {
  return { kind: 'rollback', environment: environment.name, backupId };
}

export class ProductionChangedError extends DualEnvError {
  readonly exitCode = 1;
  constructor(message: string, readonly backupId: string, options?: DualEnvErrorOptions) {
    super(message, options);
  }
}
