import type { ProgressReporter } from '../common/progress';
import type { Environment } from '../config';
import { acquireEnvironmentLock } from './environmentLock';
import { historyLine } from './historyLine';
import { pointOfNoReturn, type OperationDeps } from './operationContext';

/** What a deploy's history line records of its release, whichever engine it deploys to. */
export interface DeployedRelease {
  branch: string;
  commit: { hash: string };
  toCommit?: { message: string };
}

/**
 * A confirmed production deploy's start, Compose or Swarm alike: the environment's
 * lock taken (it refuses when another operation holds it), the start time, the point
 * after which cancelling is refused, and the history line written ahead of each step.
 */
export async function startConfirmedDeploy(deps: OperationDeps, environment: Environment, release: DeployedRelease, signal: AbortSignal, progress: ProgressReporter) {
  const lock = await acquireEnvironmentLock(deps.config, environment, `deploy of ${release.branch}`, deps.docker);
  const startedAt = (deps.now ?? (() => new Date()))();
  const noReturn = pointOfNoReturn(signal, progress);
  const line = historyLine(deps, environment, {
    operation: 'deploy', noun: 'deploy', startedAt, currentStep: () => noReturn.step || undefined,
    facts: () => ({ commit: release.commit.hash, branch: release.branch, previousImages: {}, message: release.toCommit?.message }),
  }, progress);
  return { lock, startedAt, noReturn, line };
}
