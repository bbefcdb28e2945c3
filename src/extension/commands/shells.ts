import * as vscode from 'vscode';
// the module itself: core/config's index would bring the YAML parser into activation
import { databaseCredentials } from '../../core/config/credentials';
import { containerShellCommand, databaseShellCommand, runningContainerOf, type ShellCommand } from '../../core/docker/shellCommands';
import type { CommandFactory, Target } from '../context';
import { withDatabaseShell } from '../environmentChoice';
import { l10n } from '../l10n';
import type { TreeNode } from '../tree/environmentsTree';

/**
 * A terminal running the docker CLI itself, no shell in between: the arguments reach
 * docker as they are, and the password only as a variable of its environment.
 */
function openTerminal(name: string, icon: string, command: ShellCommand): vscode.Terminal {
  const terminal = vscode.window.createTerminal({ name, shellPath: command.file, shellArgs: command.args, env: command.env, iconPath: new vscode.ThemeIcon(icon) });
  terminal.show();
  return terminal;
}

/** The running container of a service, from the live status the view shows. */
function runningContainer({ project, environment }: Target, service: string): string {
  return runningContainerOf(project.statusOf(environment.name)?.containers ?? [], service, environment.label);
}

/** Open Database Shell: the environment's database client, in its database container, in a terminal. */
export const openDatabaseShell: CommandFactory = (ctx) => async (arg?: unknown) => {
  if (ctx.refuseIfUntrusted(l10n.t('Dual Env does not open a database shell in an untrusted workspace: it would run the docker CLI against the Docker hosts the compose file names. Trust the folder (Manage Workspace Trust) first.'))) return;
  const target = await ctx.environmentOf(arg, l10n.t('Open Database Shell'), withDatabaseShell);
  const config = target?.project.config;
  const environment = target?.environment;
  if (!target || !config || !environment?.database) return;
  const { user, database, password } = await databaseCredentials(config, environment.database, { secrets: ctx.secrets });
  const container = runningContainer(target, environment.database.service);
  openTerminal(l10n.t('{0} database', ctx.labelOf(target)), 'database', databaseShellCommand({ environment, container, user, database, password, tty: true }));
  ctx.log.info(`Opened a database shell on ${container} (${environment.label}) as ${user}.`);
};

/** Attach Shell: bash (else sh) in a running container of the Environments view, in a terminal. */
export const attachShell: CommandFactory = (ctx) => async (node?: TreeNode) => {
  if (node?.kind !== 'container') throw new Error(l10n.t('Attach Shell works on a running container of the Environments view.'));
  if (ctx.refuseIfUntrusted(l10n.t('Dual Env does not attach a shell in an untrusted workspace: it would run the docker CLI against the Docker hosts the compose file names. Trust the folder (Manage Workspace Trust) first.'))) return;
  const container = runningContainer(node, node.container.service);
  openTerminal(l10n.t('{0} shell', node.container.service), 'terminal', containerShellCommand(node.environment, container));
  ctx.log.info(`Attached a shell to ${container} (${node.environment.label}).`);
};
