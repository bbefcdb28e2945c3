import path from 'node:path';
import * as vscode from 'vscode';
import type { CommandFactory } from '../context';
import { l10n } from '../l10n';

/**
 * Opens the compose file: where an isolation warning or a configuration error is fixed.
 * Safe in Restricted Mode, as it only opens an editor.
 */
export const openComposeFile: CommandFactory = (ctx) => async (arg?: unknown) => {
  if (ctx.model.allProjects().length === 0) throw new Error(l10n.t('Open a folder first: the compose file is read from the workspace folder.'));
  // the one to fix may be a folder whose compose file cannot be read
  const project = await ctx.projectOf(arg, l10n.t('Open Compose File'), { anyState: true });
  if (!project) return;
  const file = project.composeFilePath();
  await vscode.window.showTextDocument(vscode.Uri.file(file));
  ctx.log.info(`Opened ${path.basename(file)}.`);
};
