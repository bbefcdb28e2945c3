import type Docker from 'dockerode';
import { errorMessage, isCancelled } from '../common/errors';
import { redactSecrets } from '../common/process';
import { checklistOf, secretsOf, type CheckFailure, type DualEnvConfig, type Environment } from '../config';
import { readRecentLogLines } from '../docker/recentLogLines';
import type { CommitSummary } from '../git';
import { errorLineMatcher, smokeItem, stagingHealthItem, stagingLogsItem, type ChecklistItem, type LogLineFound, type LogScan } from './checklist';
import { lastSuccessfulDeployOf } from './environmentHistory';
import { throwIfCancelled } from './operationContext';
import { runSmokeChecks } from './smokeRequests';
import { waitForHealth } from './waitForHealth';

export interface ChecklistRun {
  /** Each environment's own engine: staging is read where staging runs. */
  dockerFor: (environment: Environment) => Docker;
  config: DualEnvConfig;
  /** The production environment whose checklist runs. */
  environment: Environment;
  commit: CommitSummary;
  /** The working tree is clean: the commit is what would be deployed. */
  clean: boolean;
  /** requireStagingFirst not met: refuse, or put it to the caller as a warning. */
  stagingFirst: 'refuse' | 'ask';
  signal: AbortSignal;
  /** Each item as soon as it is known (the CLI prints them, the extension logs them). */
  onItem?: (item: ChecklistItem) => void;
}

/**
 * Runs the pre-production checklist against staging, changing nothing: staging
 * healthy on this commit, no error lines in its logs since its last deploy, the
 * smoke requests. Stops after the first item when staging-first refuses, since
 * the rest would check a version that is not going to production anyway.
 */
export async function runPreproductionChecklist(run: ChecklistRun): Promise<ChecklistItem[]> {
  const { config, environment, signal } = run;
  const staging = config.environments.find((e) => !e.isProduction);
  if (!staging) return [];
  const settings = checklistOf(environment);
  const items: ChecklistItem[] = [];
  const add = (item: ChecklistItem) => {
    items.push(item);
    run.onItem?.(item);
  };

  // without requireStagingFirst the answer is still worth knowing: it warns
  const healthOnFailure: CheckFailure = environment.requireStagingFirst && run.stagingFirst === 'refuse' ? 'refuse' : 'warn';
  add(stagingHealthItem(staging.label, run.commit.shortHash, await stagingFirstProblem(run.dockerFor, config, run.commit, run.clean), healthOnFailure));
  if (items[0].outcome === 'refused') return items;
  throwIfCancelled(signal);

  if (settings.stagingLogs.onFailure !== 'off') {
    add(stagingLogsItem(staging.label, await scanStagingLogs(run, staging), settings.stagingLogs.onFailure));
    throwIfCancelled(signal);
  }
  if (settings.smoke.length > 0 && staging.url) {
    const results = await runSmokeChecks(staging.url, settings.smoke, { timeoutMs: settings.smokeTimeoutSeconds * 1000, signal });
    const secrets = secretsOf(config);
    for (const result of results) add(smokeItem({ ...result, error: result.error && redactSecrets(result.error, secrets) }));
  }
  return items;
}

/** Staging's log lines since its last successful deploy that match an error pattern; a failure to read is the scan's error. */
async function scanStagingLogs(run: ChecklistRun, staging: Environment): Promise<LogScan> {
  const settings = checklistOf(run.environment).stagingLogs;
  const since = (await lastSuccessfulDeployOf(run.config, staging, run.dockerFor(staging)))?.startedAt;
  const isError = errorLineMatcher(settings.patterns);
  const secrets = secretsOf(run.config);
  const matches: LogLineFound[] = [];
  try {
    const read = await readRecentLogLines(run.dockerFor(staging), run.config.projectName, staging.services, { since: since ? new Date(since) : undefined, maxLines: settings.maxLines, signal: run.signal }, (service, text) => {
      // a password the app printed must not reach the confirmation or the terminal
      if (isError(text)) matches.push({ service, text: redactSecrets(text, secrets) });
    });
    return { since, linesRead: read.linesRead, matches, capped: read.capped };
  } catch (error) {
    if (run.signal.aborted || isCancelled(error)) throw error;
    return { since, linesRead: 0, matches, capped: false, error: redactSecrets(errorMessage(error), secrets) };
  }
}

/** Why the commit may not go to production yet under requireStagingFirst, or undefined when it may. */
export async function stagingFirstProblem(
  dockerFor: (environment: Environment) => Docker,
  config: DualEnvConfig,
  commit: CommitSummary,
  clean: boolean,
): Promise<string | undefined> {
  const staging = config.environments.find((e) => !e.isProduction);
  if (!staging) return undefined;
  if (!clean) return `The uncommitted changes have not run on ${staging.label}`;
  const last = await lastSuccessfulDeployOf(config, staging, dockerFor(staging));
  if (!last || last.commit !== commit.hash || last.dirty) {
    return `Commit ${commit.shortHash} has not been deployed to ${staging.label}${last?.commit ? ` (it last ran ${last.commit.slice(0, 7)}${last.dirty ? ' with uncommitted changes' : ''})` : ''}`;
  }
  try {
    // with a dockerHost per environment, production's engine has no staging containers at all
    await waitForHealth(dockerFor(staging), config, staging.services, { timeoutMs: 0 });
  } catch (error) {
    return `${staging.label} is not healthy (${(error as Error).message.replace(/\.$/, '')})`;
  }
  return undefined;
}
