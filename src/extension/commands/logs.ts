import * as vscode from 'vscode';
// the module itself, not core/config's index, which would bring the YAML parser into activation
import { withStoredPasswords } from '../../core/config/secrets';
import type { CommandFactory } from '../context';
import { l10n } from '../l10n';
import type { TreeNode } from '../tree/environmentsTree';
import { remedyRequest } from '../remedyActions';

/** Show Logs…: a container or a Swarm service from the tree, or a quick pick of environment, then service. */
export const showLogs: CommandFactory = (ctx) => async (arg?: unknown) => {
  const node = arg as TreeNode | undefined;
  const target = node?.kind === 'container' || node?.kind === 'swarmService' ? node : await ctx.environmentOf(arg, l10n.t('Show Logs'));
  if (!target) return;
  const { project, environment } = target;
  if (!project.config) throw new Error(project.problem ?? l10n.t('There is no compose file to read services from.'));
  // a container's output is as likely to print a password from SecretStorage as one from .env
  const config = await withStoredPasswords(project.config, ctx.secrets);
  // two folders may both have a staging-backend: their channels are told apart by the folder's name
  const follow = (service: string) => ctx.logChannels.follow(config, environment, service, ctx.model.projects().length > 1 ? project.name : undefined);
  if (node?.kind === 'container' || node?.kind === 'swarmService') {
    // a Swarm service's channel follows all its tasks, replacements included
    await follow(node.kind === 'container' ? node.container.service : node.service.service);
    return;
  }
  const named = remedyRequest(arg)?.service;
  if (named && environment.services.includes(named)) {
    await follow(named);
    return;
  }
  const picked = await ctx.userInput.pick(environment.services.map((service) => ({ label: service })), { title: l10n.t('Show Logs of {0}', ctx.labelOf(target)), placeHolder: l10n.t('Service') });
  if (picked) await follow(picked.label);
};

export const stopFollowingLogs: CommandFactory = (ctx) => async () => {
  const services = ctx.logChannels.services();
  if (services.length === 0) {
    void vscode.window.showInformationMessage(l10n.t('No service\'s logs are being followed.'));
    return;
  }
  const picked = services.length === 1 ? { label: services[0] } : await ctx.userInput.pick(services.map((label) => ({ label })), { title: l10n.t('Stop Following Logs'), placeHolder: l10n.t('Service') });
  if (picked) ctx.logChannels.stop(picked.label);
};
