// Which environments a command can act on, and why not. Pure: unit-tested under Node.
import type { Environment } from '../core/config/model';
import { browserUrlProblem } from './browserUrl';

/** Undefined when a command can act on the environment, else one sentence saying why not. */
export type Requirement = (environment: Environment) => string | undefined;

export const anyEnvironment: Requirement = () => undefined;

export const productionOnly: Requirement = (e) =>
  (e.isProduction ? undefined : `${e.label} is not production, and this command acts on production only.`);

export const stagingOnly: Requirement = (e) =>
  (e.isProduction ? `${e.label} is deployed with Deploy to Production, which takes a verified backup and asks first.` : undefined);

/** A url that may be opened: declared, and a web page (see browserUrl.ts). */
export const withUrl: Requirement = browserUrlProblem;

export function withDatabase(consequence: string): Requirement {
  return (e) => (e.database ? undefined : `${e.label} declares no database in x-dual-env, so ${consequence}.`);
}

const databaseToBackUp = withDatabase('it cannot be backed up');
export const backUpAble: Requirement = (e) =>
  (e.isProduction ? databaseToBackUp(e) : `${e.label} is not production; Dual Env backs up production's database only.`);

/**
 * The environments a command may offer. Given a name (from a tree row, a badge or
 * executeCommand), that one alone, or an Error saying why the command cannot act on it;
 * else every environment the requirement allows, or an Error when there is none.
 */
export function environmentChoice(environments: readonly Environment[], name: string | undefined, requirement: Requirement = anyEnvironment): Environment[] {
  if (name !== undefined) {
    const named = environments.find((e) => e.name === name);
    if (!named) throw new Error(`The compose file declares no environment named "${name}".`);
    const refusal = requirement(named);
    if (refusal) throw new Error(refusal);
    return [named];
  }
  const allowed = environments.filter((e) => !requirement(e));
  if (allowed.length > 0) return allowed;
  const refusals = [...new Set(environments.map(requirement))];
  throw new Error(refusals.length === 1 && refusals[0] ? refusals[0] : 'The compose file declares no environment this command applies to.');
}

/**
 * What the status-bar badge's quick pick offers, in order; an action is left out where its requirement fails,
 * and one that runs Compose, git or a backup (`trusted`) in a Restricted Mode window, where it would be refused.
 */
const ENVIRONMENT_ACTIONS: readonly { command: string; label: string; requirement?: Requirement; trusted?: true }[] = [
  { command: 'dualEnv.deployProduction', label: '$(rocket) Deploy to Production', requirement: productionOnly, trusted: true },
  { command: 'dualEnv.rollbackProduction', label: '$(history) Roll Back Production…', requirement: productionOnly, trusted: true },
  { command: 'dualEnv.backupProduction', label: '$(database) Back Up Production Now', requirement: backUpAble, trusted: true },
  { command: 'dualEnv.deployStaging', label: '$(beaker) Deploy to Staging', requirement: stagingOnly, trusted: true },
  { command: 'dualEnv.showLogs', label: '$(output) Show Logs…' },
  { command: 'dualEnv.openDatabaseShell', label: '$(database) Open Database Shell', requirement: withDatabase('it has no database shell'), trusted: true },
  { command: 'dualEnv.openInBrowser', label: '$(link-external) Open in Browser', requirement: withUrl },
  { command: 'dualEnv.restartEnvironment', label: '$(debug-restart) Restart', trusted: true },
  { command: 'dualEnv.stopEnvironment', label: '$(debug-stop) Stop', trusted: true },
  { command: 'dualEnv.startEnvironment', label: '$(debug-start) Start', trusted: true },
  { command: 'dualEnv.showDeployHistory', label: '$(list-unordered) Show Deploy History' },
  { command: 'dualEnv.refresh', label: '$(refresh) Refresh' },
];

/** The commands that can act on this environment (each is then run with its name); in an untrusted window, only those that run there. */
export function environmentActionsFor(environment: Environment, trusted = true): { command: string; label: string }[] {
  return ENVIRONMENT_ACTIONS.filter((action) => !action.requirement?.(environment) && (trusted || !action.trusted)).map(({ command, label }) => ({ command, label }));
}
