import type Docker from 'dockerode';
import { DualEnvError } from '../common/errors';
import type { Remedy } from '../common/remedies';
import type { DualEnvConfig, Environment } from '../config';
import { branchMatches, changesSinceLastProduction, currentBranch, headCommit, isRepository, treeState, type CommitSummary } from '../git';
import { checklistLine, refusalMessage, refusingItems, type ChecklistItem } from './checklist';
import { lastSuccessfulDeployOf } from './environmentHistory';
import { builtServices } from './operationContext';
import { runPreproductionChecklist } from './preproductionChecklist';
import { projectRepository } from './projectRepository';
import { describeReplacement, planReplacement, type ServiceReplacement } from './replacementPlan';

export { stagingFirstProblem } from './preproductionChecklist';

/** A production deploy refused before anything was touched: branch, tree, a refusing item of the pre-production checklist. */
export class DeployRefusedError extends DualEnvError {
  readonly exitCode = 1;
}

/** Deploy to Staging, for the environment that is not production. */
function stagingOf(config: DualEnvConfig): Remedy[] {
  const staging = config.environments.find((e) => !e.isProduction);
  return staging ? [{ kind: 'deployStaging', environment: staging.name }] : [];
}

/** What the caller is asked to confirm before production is touched. */
export interface DeployPlan {
  environment: string;
  label: string;
  branch: string;
  commit: CommitSummary;
  /** Uncommitted files that will be committed with `commitMessage` first. */
  toCommit?: { files: string[]; message: string };
  /** Commits since the last production deploy (newest first), and that deploy's tag. */
  changes: CommitSummary[];
  since?: string;
  /** Services built from the commit and replaced. */
  rebuilt: string[];
  /** How each rebuilt service is replaced: beside the old one (no downtime), or recreated and why. */
  replacement: ServiceReplacement[];
  /** Asked for: every rebuilt service stopped before its new version starts (a schema change the old version cannot live with). */
  maintenanceWindow: boolean;
  /** Seconds a replaced container gets to finish its requests, and the health gate's limit: for the confirmation's downtime figures. */
  drainSeconds: number;
  healthTimeoutSeconds: number;
  /** Services left as they run (started if stopped), the database among them. */
  keptRunning: string[];
  /** What a failed deploy leads to: the automatic rollback, or production left as it is with the command to roll back. */
  onFailure: 'auto-rollback' | 'report';
  backup: string;
  /** The pre-production checklist as run against staging: none refused (else there is no plan), warnings for the caller to weigh. */
  checklist: ChecklistItem[];
}

export interface PreflightOptions {
  message?: string;
  autoRollback?: boolean;
  /** Stop the old version before the new one starts, instead of replacing without downtime. */
  maintenanceWindow?: boolean;
  healthTimeoutSeconds?: number;
  /** requireStagingFirst not met: refuse (default) or put it to the caller in the plan. */
  stagingFirst?: 'refuse' | 'ask';
  /** Each checklist item as soon as it is known. */
  onCheck?: (item: ChecklistItem) => void;
}

const listed = (files: string[]) => files.slice(0, 5).join(', ') + (files.length > 5 ? ` and ${files.length - 5} more` : '');

/** What any production deploy checks of the release before its plan: the repository, branch policy, tree, the checklist against staging, the changes since the last deploy. */
export interface ReleaseChecks {
  branch: string;
  commit: CommitSummary;
  toCommit?: { files: string[]; message: string };
  changes: CommitSummary[];
  since?: string;
  checklist: ChecklistItem[];
}

/**
 * The release's checks every production deploy shares (Compose or Swarm), changing
 * nothing: a git repository, a branch the environment's policy allows, a clean tree
 * or a commit message, the pre-production checklist not refusing.
 */
export async function checkRelease(
  dockerFor: (environment: Environment) => Docker,
  config: DualEnvConfig,
  environment: Environment,
  options: Pick<PreflightOptions, 'message' | 'stagingFirst' | 'onCheck'>,
  signal: AbortSignal,
  /** Checked once the repository is known to be one, before anything else (the Compose path's database). */
  refuseEnvironment: () => void = () => undefined,
): Promise<ReleaseChecks> {
  const repo = projectRepository(config, signal);
  if (!(await isRepository(repo))) {
    throw new DeployRefusedError(`${config.projectDir} is not a git repository; production deploys only committed code, so put the project under git first.`);
  }
  refuseEnvironment();
  const branch = await currentBranch(repo);
  if (!branchMatches(environment.branchPattern, branch)) {
    throw new DeployRefusedError(`${environment.label} deploys only branches matching "${environment.branchPattern}", and "${branch}" does not; check out such a branch and try again.`);
  }
  const tree = await treeState(repo);
  if (!tree.clean && !options.message?.trim()) {
    throw new DeployRefusedError(`The working tree has uncommitted changes (${listed(tree.changed)}); commit them, or give a commit message to commit them as part of the deploy.`, { remedies: [{ kind: 'deployWithMessage', environment: environment.name }] });
  }
  const commit = await headCommit(repo);
  const checklist = await runPreproductionChecklist({
    dockerFor, config, environment, commit, clean: tree.clean, stagingFirst: options.stagingFirst ?? 'refuse', signal, onItem: options.onCheck,
  });
  // staging not on this commit keeps its own advice, the way out being a staging deploy (the checklist stops there)
  const [stagingHealth] = checklist;
  if (stagingHealth?.outcome === 'refused') throw new DeployRefusedError(`${stagingHealth.detail}; deploy it to staging first.`, { remedies: stagingOf(config) });
  if (refusingItems(checklist).length > 0) throw new DeployRefusedError(refusalMessage(checklist));
  // a failed deploy leaves its tag too: the changes count from the last one that succeeded
  const { commits, since } = await changesSinceLastProduction(repo, 50, (await lastSuccessfulDeployOf(config, environment, dockerFor(environment)))?.tag);
  return { branch, commit, toCommit: tree.clean ? undefined : { files: tree.changed, message: options.message!.trim() }, changes: commits, since, checklist };
}

/** Checks everything that can be checked without changing anything, and builds the plan. */
export async function preflightProduction(
  /** Each environment's own engine: staging's health is read where staging runs. */
  dockerFor: (environment: Environment) => Docker,
  config: DualEnvConfig,
  environment: Environment,
  options: PreflightOptions,
  signal: AbortSignal,
): Promise<DeployPlan> {
  const release = await checkRelease(dockerFor, config, environment, options, signal, () => {
    if (!environment.database) {
      throw new DeployRefusedError(`${environment.name} declares no database in x-dual-env, so no backup can be taken before the deploy; add its database block.`);
    }
  });
  const services = builtServices(config, environment);
  return {
    environment: environment.name,
    label: environment.label,
    ...release,
    rebuilt: services.built,
    replacement: planReplacement(config, environment, services.built, options.maintenanceWindow),
    maintenanceWindow: options.maintenanceWindow === true,
    drainSeconds: environment.drainSeconds ?? 30,
    healthTimeoutSeconds: options.healthTimeoutSeconds ?? environment.healthTimeoutSeconds,
    keptRunning: services.others,
    onFailure: options.autoRollback ? 'auto-rollback' : 'report',
    backup: `A verified backup of the ${environment.database!.name} database will be taken first.`,
  };
}

/** The plan as lines for a terminal prompt or a modal. */
export function describePlan(plan: DeployPlan): string {
  const lines = [
    `Deploy ${plan.branch} @ ${plan.commit.shortHash} (${plan.commit.subject}) to ${plan.label}.`,
    ...(plan.toCommit ? [`First commit ${plan.toCommit.files.length} changed file(s) (${listed(plan.toCommit.files)}) as "${plan.toCommit.message}".`] : []),
    plan.since ? `${plan.changes.length} commit(s) since ${plan.since}:` : `First production deploy; ${plan.changes.length} commit(s) on the branch:`,
    ...plan.changes.slice(0, 10).map((c) => `  ${c.shortHash} ${c.subject} (${c.author})`),
    ...(plan.changes.length > 10 ? [`  … and ${plan.changes.length - 10} more`] : []),
    plan.backup,
    `Rebuilt from this commit: ${plan.rebuilt.join(', ') || 'none'}.`,
    ...(plan.keptRunning.length > 0 ? [`Left running as they are (started if stopped): ${plan.keptRunning.join(', ')}.`] : []),
    ...(plan.maintenanceWindow ? ['Maintenance window: the old version is stopped before the new one starts, so the database changes no old version reads; production is away until the new version is healthy.'] : []),
    ...describeReplacement(plan.replacement, plan.healthTimeoutSeconds, plan.drainSeconds),
    ...(plan.replacement.some((r) => r.how === 'recreate') ? [plan.onFailure === 'auto-rollback'
      ? 'If a recreated container fails or is not healthy in time, production is rolled back at once: the previous images and the database from that backup (what was written meanwhile is kept in a safety backup).'
      : 'If a recreated container fails or is not healthy in time, production is left as it is and the rollback command is named.'] : []),
    ...(plan.checklist.length > 0 ? ['Pre-production checklist, run against staging:', ...plan.checklist.map((item) => `  ${checklistLine(item)}`)] : []),
  ];
  return lines.join('\n');
}
