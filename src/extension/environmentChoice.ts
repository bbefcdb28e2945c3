// Which environments a command can act on, and why not. Pure: unit-tested under Node.
import type { Environment } from '../core/config/model';
import { browserUrlProblem } from './browserUrl';
import { l10n } from './l10n';

/** Undefined when a command can act on the environment, else one sentence saying why not. */
export type Requirement = (environment: Environment) => string | undefined;

export const anyEnvironment: Requirement = () => undefined;

export const productionOnly: Requirement = (e) =>
  (e.isProduction ? undefined : l10n.t('{0} is not production, and this command acts on production only.', e.label));

export const stagingOnly: Requirement = (e) =>
  (e.isProduction ? l10n.t('{0} is deployed with Deploy to Production, which takes a verified backup and asks first.', e.label) : undefined);

/** A url that may be opened: declared, and a web page (see browserUrl.ts). */
export const withUrl: Requirement = browserUrlProblem;

/** An environment whose database password can be set: one that declares a database. */
export const withDatabasePassword: Requirement = (e) =>
  (e.database ? undefined : l10n.t('{0} declares no database in x-dual-env, so it has no database password to set.', e.label));

/** An environment with a database client to open: one that declares a database. */
export const withDatabaseShell: Requirement = (e) =>
  (e.database ? undefined : l10n.t('{0} declares no database in x-dual-env, so it has no database shell.', e.label));

export const backUpAble: Requirement = (e) => {
  if (!e.isProduction) return l10n.t('{0} is not production; Dual Env backs up production\'s database only.', e.label);
  return e.database ? undefined : l10n.t('{0} declares no database in x-dual-env, so it cannot be backed up.', e.label);
};

/**
 * The environments a command may offer. Given a name (from a tree row, a badge or
 * executeCommand), that one alone, or an Error saying why the command cannot act on it;
 * else every environment the requirement allows, or an Error when there is none.
 */
export function environmentChoice(environments: readonly Environment[], name: string | undefined, requirement: Requirement = anyEnvironment): Environment[] {
  if (name !== undefined) {
    const named = environments.find((e) => e.name === name);
    if (!named) throw new Error(l10n.t('The compose file declares no environment named "{0}".', name));
    const refusal = requirement(named);
    if (refusal) throw new Error(refusal);
    return [named];
  }
  const allowed = environments.filter((e) => !requirement(e));
  if (allowed.length > 0) return allowed;
  const refusals = [...new Set(environments.map(requirement))];
  throw new Error(refusals.length === 1 && refusals[0] ? refusals[0] : l10n.t('The compose file declares no environment this command applies to.'));
}

/**
 * What the status-bar badge's quick pick offers, in order; an action is left out where its requirement fails,
 * and one that runs Compose, git or a backup (`trusted`) in a Restricted Mode window, where it would be refused.
 * Titles are functions: this table is built at import, before activate() has handed over the translations.
 */
const ENVIRONMENT_ACTIONS: readonly { command: string; icon: string; title: () => string; requirement?: Requirement; trusted?: true }[] = [
  { command: 'dualEnv.deployProduction', icon: 'rocket', title: () => l10n.t('Deploy to Production'), requirement: productionOnly, trusted: true },
  { command: 'dualEnv.rollbackProduction', icon: 'history', title: () => l10n.t('Roll Back Production…'), requirement: productionOnly, trusted: true },
  { command: 'dualEnv.backupProduction', icon: 'database', title: () => l10n.t('Back Up Production Now'), requirement: backUpAble, trusted: true },
  { command: 'dualEnv.deployStaging', icon: 'beaker', title: () => l10n.t('Deploy to Staging'), requirement: stagingOnly, trusted: true },
  { command: 'dualEnv.showLogs', icon: 'output', title: () => l10n.t('Show Logs…') },
  { command: 'dualEnv.openDatabaseShell', icon: 'database', title: () => l10n.t('Open Database Shell'), requirement: withDatabaseShell, trusted: true },
  { command: 'dualEnv.openInBrowser', icon: 'link-external', title: () => l10n.t('Open in Browser'), requirement: withUrl },
  { command: 'dualEnv.restartEnvironment', icon: 'debug-restart', title: () => l10n.t('Restart'), trusted: true },
  { command: 'dualEnv.stopEnvironment', icon: 'debug-stop', title: () => l10n.t('Stop'), trusted: true },
  { command: 'dualEnv.startEnvironment', icon: 'debug-start', title: () => l10n.t('Start'), trusted: true },
  { command: 'dualEnv.showDeployHistory', icon: 'list-unordered', title: () => l10n.t('Show Deploy History') },
  { command: 'dualEnv.refresh', icon: 'refresh', title: () => l10n.t('Refresh') },
];

/** The commands that can act on this environment (each is then run with its name); in an untrusted window, only those that run there. */
export function environmentActionsFor(environment: Environment, trusted = true): { command: string; label: string }[] {
  return ENVIRONMENT_ACTIONS
    .filter((action) => !action.requirement?.(environment) && (trusted || !action.trusted))
    .map(({ command, icon, title }) => ({ command, label: `$(${icon}) ${title()}` }));
}
