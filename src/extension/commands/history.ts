import * as vscode from 'vscode';
import { readHistory } from '../../core/operations/history';
import type { CommandFactory } from '../context';
import { historyTable } from '../historyTable';
import { l10n } from '../l10n';

/** Show Deploy History: every deploy and rollback of a folder's project, in a markdown preview. */
export const showDeployHistory: CommandFactory = (ctx) => async (arg?: unknown) => {
  const project = await ctx.projectOf(arg, l10n.t('Show Deploy History'));
  if (!project) return;
  const config = project.config;
  if (!config) throw new Error(project.problem ?? l10n.t('There is no compose file, so there is no deploy history.'));
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: historyTable(readHistory(config.projectDir), config.projectDir) });
  await vscode.commands.executeCommand('markdown.showPreview', document.uri);
};
