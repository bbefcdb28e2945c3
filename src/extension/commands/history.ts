import * as vscode from 'vscode';
import type { CommandFactory } from '../context';
import { historyTable } from '../historyTable';
import { loadEngine } from '../engineLoader';
import { l10n } from '../l10n';

/** Show Deploy History: every deploy and rollback of a folder's project, in a markdown preview. */
export const showDeployHistory: CommandFactory = (ctx) => async (arg?: unknown) => {
  const project = await ctx.projectOf(arg, l10n.t('Show Deploy History'));
  if (!project) return;
  const config = project.config;
  if (!config) throw new Error(project.problem ?? l10n.t('There is no compose file, so there is no deploy history.'));
  // an environment on a server keeps its history there: one that cannot be read is said, the others still shown
  const { records, unread } = await (await loadEngine()).readProjectHistory(config);
  for (const { environment, error } of unread) project.logProblem(l10n.t('Reading the deploy history of {0}', environment), error);
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: historyTable(records, config.projectDir) });
  await vscode.commands.executeCommand('markdown.showPreview', document.uri);
};
