import * as vscode from 'vscode';
import type { Environment } from '../../core/config';
import { dockerHostOf } from '../../core/docker/dockerHost';
import type { ControlAction } from '../../core/operations/environmentControl';
import type { CommandFactory, Ctx } from '../context';
import { browserUrl } from '../browserUrl';
import { loadEngine } from '../engineLoader';
import { environmentActionsFor, withUrl } from '../environmentChoice';
import { operationDeps } from '../operationDeps';
import { publishedPortUrl } from '../publishedPortUrl';
import type { TreeNode } from '../tree/environmentsTree';

type Verb = 'start' | 'stop' | 'restart';
const TITLES: Record<Verb, string> = { start: 'Start', stop: 'Stop', restart: 'Restart' };
const ACTIONS: Record<Verb, ControlAction> = { start: 'up', stop: 'down', restart: 'restart' };
const EFFECTS: Record<Verb, string> = {
  start: 'missing containers are created from the images tagged now; running ones are left as they are',
  stop: 'the site is down until you start it again',
  restart: 'the site is unavailable while they restart',
};

/** Production is never started, stopped or restarted without a modal that names the action. */
async function confirmProduction(ctx: Ctx, environment: Environment, verb: Verb, title: string, services: readonly string[]): Promise<boolean> {
  if (!environment.isProduction) return true;
  return ctx.userInput.confirm(`${title}?`, {
    detail: `This ${verb}s ${services.join(', ')} in production; ${EFFECTS[verb]}.`,
    confirm: title,
  });
}

/** The core's start/stop/restart: under the environment's lock (never during a deploy), waiting for health after a start. */
async function composeVerb(ctx: Ctx, environment: Environment, verb: Verb, services: readonly string[]): Promise<void> {
  if (!ctx.model.config || !ctx.requireTrust(`${verb} containers`)) return;
  const whole = services.length === environment.services.length;
  const title = `${TITLES[verb]} ${whole ? environment.label : services.join(', ')}`;
  if (!(await confirmProduction(ctx, environment, verb, title, services))) {
    ctx.log.info(`${title} cancelled; nothing was changed.`);
    return;
  }
  const [engine, deps] = await Promise.all([loadEngine(), operationDeps(ctx, environment)]);
  const options = { environment: environment.name, action: ACTIONS[verb], service: whole ? undefined : services[0], healthTimeoutSeconds: ctx.model.settings.healthTimeoutSeconds };
  await ctx.withProgress(title, (signal, onProgress) => engine.controlEnvironment(deps, options, signal, onProgress));
}

function environmentVerb(verb: Verb): CommandFactory {
  return (ctx) => async (arg?: unknown) => {
    const environment = await ctx.environmentOf(arg, `${TITLES[verb]} Environment`);
    if (environment) await composeVerb(ctx, environment, verb, environment.services);
  };
}

function containerVerb(verb: Verb): CommandFactory {
  return (ctx) => async (node?: TreeNode) => {
    if (node?.kind !== 'container') throw new Error(`${TITLES[verb]} Container works on a container of the Environments view.`);
    await composeVerb(ctx, node.environment, verb, [node.container.service]);
  };
}

export const startEnvironment = environmentVerb('start');
export const stopEnvironment = environmentVerb('stop');
export const restartEnvironment = environmentVerb('restart');
export const startContainer = containerVerb('start');
export const stopContainer = containerVerb('stop');
export const restartContainer = containerVerb('restart');

/** Opens the environment's URL from x-dual-env, or a published port of the container on the engine's machine. */
export const openInBrowser: CommandFactory = (ctx) => async (arg?: unknown) => {
  const node = arg as TreeNode | undefined;
  if (node?.kind === 'container') {
    const port = node.container.ports.find((p) => p.protocol === 'tcp');
    if (!port) throw new Error(`${node.container.service} publishes no TCP port to open.`);
    await vscode.env.openExternal(vscode.Uri.parse(publishedPortUrl(port, dockerHostOf(node.environment))));
    return;
  }
  const environment = await ctx.environmentOf(arg, 'Open Environment in Browser', withUrl);
  if (!environment) return;
  await vscode.env.openExternal(vscode.Uri.parse(browserUrl(environment)));
};

/** The status-bar badge's click: a quick pick of what can be done with that environment. */
export const environmentActions: CommandFactory = (ctx) => async (arg?: unknown) => {
  const environment = await ctx.environmentOf(arg, 'Environment Actions');
  if (!environment) return;
  const registered = new Set(await vscode.commands.getCommands(true));
  const offered = environmentActionsFor(environment, vscode.workspace.isTrusted).filter(({ command }) => registered.has(command));
  const picked = await ctx.userInput.pick(offered.map(({ command, label }) => ({ label, command })), { title: `${environment.label}`, placeHolder: ctx.model.statusOf(environment.name)?.reason });
  if (picked) await vscode.commands.executeCommand(picked.command, environment.name);
};
