import type { ProgressReporter } from '../common/progress';
import type { DualEnvConfig, Environment } from '../config';
import { commitFiles, hasRemote, pushBranchAndTag } from '../git';
import { acquireEnvironmentLock } from './environmentLock';
import { historyLine } from './historyLine';
import { pointOfNoReturn, type OperationDeps } from './operationContext';
import { projectRepository } from './projectRepository';

/** What a deploy's history line records of its release, whichever engine it deploys to. */
export interface DeployedRelease {
  branch: string;
  commit: { hash: string };
  toCommit?: { files: string[]; message: string };
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

/** Commits the files the confirmed plan listed, and nothing changed since; the commit to release. */
export async function commitPlanned(config: DualEnvConfig, release: DeployedRelease, progress: ProgressReporter): Promise<string> {
  if (!release.toCommit) return release.commit.hash;
  const commit = await commitFiles(projectRepository(config), release.toCommit.files, release.toCommit.message);
  progress.log('git', `Committed ${commit.shortHash} ${commit.subject}`);
  return commit.hash;
}

/** Pushes the released branch and its tag, or says that the repository has no such remote and nothing was pushed. */
export async function pushBranchWithTag(config: DualEnvConfig, branch: string, tag: string, remote: string, progress: ProgressReporter): Promise<void> {
  const repo = projectRepository(config);
  if (await hasRemote(repo, remote)) {
    await pushBranchAndTag(repo, { remote, branch, tag });
    progress.done('git', `Pushed ${branch} and ${tag} to ${remote}`);
  } else {
    progress.skipped('git', `Tagged ${tag}; the repository has no remote "${remote}", so nothing was pushed`);
  }
}
