import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { secretKey } from '../../core/config/credentials';
import type { CommandFactory, Ctx } from '../context';
import type { ProjectModel } from '../workspace/projectModel';
import { withDatabasePassword } from '../environmentChoice';
import { l10n } from '../l10n';
import { remedyRequest } from '../remedyActions';

/** Reads the compose file, the settings and Docker again; also the Retry of the welcome view. */
export const refresh: CommandFactory = (ctx) => () => {
  // a server's backups change without an event here: Refresh lists them again too
  ctx.tree.refreshBackups();
  return ctx.model.reload();
};

/** The folder to create a compose file in: one without one, asked for when there are several. */
async function folderWithoutComposeFile(ctx: Ctx): Promise<ProjectModel | undefined> {
  const folders = ctx.model.allProjects();
  if (folders.length === 0) throw new Error(l10n.t('Open a folder first: the compose file is created in the workspace folder.'));
  const without = folders.filter((project) => !fs.existsSync(project.composeFilePath()));
  const candidates = without.length > 0 ? without : folders;
  if (candidates.length === 1) return candidates[0];
  const picked = await ctx.userInput.pick(
    candidates.map((project) => ({ label: project.name, description: project.folder.uri.fsPath, project })),
    { title: l10n.t('Create docker-compose-dual-env.yml'), placeHolder: l10n.t('Workspace folder') },
  );
  return picked?.project;
}

/** Creates docker-compose-dual-env.yml from the reference one the extension ships, and opens it. */
export const createComposeFile: CommandFactory = (ctx) => async () => {
  const project = await folderWithoutComposeFile(ctx);
  if (!project) return;
  const target = project.composeFilePath();
  if (fs.existsSync(target)) {
    void vscode.window.showInformationMessage(l10n.t('{0} already exists; it was left as it is.', path.basename(target)));
  } else {
    const reference = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'docker-compose-dual-env.yml');
    await vscode.workspace.fs.copy(reference, vscode.Uri.file(target));
    ctx.log.info(`Created ${target} from the reference compose file.`);
  }
  await vscode.window.showTextDocument(vscode.Uri.file(target));
  void ctx.model.reloadProject(project);
};

/**
 * Keeps a database password in SecretStorage, for when neither the environment nor
 * the .env beside the compose file has it. Never in settings, never in the log.
 */
export const setDatabasePassword: CommandFactory = (ctx) => async (arg?: unknown) => {
  const target = await ctx.environmentOf(arg, l10n.t('Set Database Password'), withDatabasePassword);
  const config = target?.project.config;
  const environment = target?.environment;
  if (!target || !config || !environment?.database) return;
  const variables = [environment.database.passwordVariable, environment.database.rootPasswordVariable].filter((v): v is string => Boolean(v));
  const named = remedyRequest(arg)?.variable;
  const picked = variables.length === 1 || (named && variables.includes(named)) ? { label: named && variables.includes(named) ? named : variables[0] } : await ctx.userInput.pick(variables.map((label) => ({ label })), { title: l10n.t('Password of {0}\'s database', environment.label), placeHolder: l10n.t('Variable') });
  if (!picked) return;
  const password = await ctx.userInput.input({ title: l10n.t('Set {0}', picked.label), prompt: l10n.t('Password for {0}\'s database ({1}); kept in VS Code\'s secret storage.', environment.label, picked.label), password: true });
  if (!password) return;
  await ctx.extension.secrets.store(secretKey(config, picked.label), password);
  ctx.log.info(`Stored ${picked.label} for ${environment.label} in the secret storage.`);
  // the live status redacts the passwords it was started with; restart it with this one
  void ctx.model.reloadProject(target.project);
  void vscode.window.showInformationMessage(l10n.t('{0} is stored in VS Code\'s secret storage; the environment and .env still take precedence.', picked.label));
};

export const showLog: CommandFactory = (ctx) => () => ctx.log.show();
