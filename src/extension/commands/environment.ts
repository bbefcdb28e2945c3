import * as vscode from 'vscode';
import type { Environment } from '../../core/config';
import { dockerHostOf } from '../../core/docker/dockerHost';
import type { ControlAction } from '../../core/operations/environmentControl';
import type { CommandFactory, Ctx, Target } from '../context';
import type { RemedyRequest } from '../remedyActions';
import { labelInGroup } from '../workspace/folderGroups';
import { browserUrl } from '../browserUrl';
import { loadEngine } from '../engineLoader';
import { environmentActionsFor, withUrl } from '../environmentChoice';
import { l10n } from '../l10n';
import { operationDeps } from '../operationDeps';
import { publishedPortUrl } from '../publishedPortUrl';
import type { TreeNode } from '../tree/environmentsTree';

type Verb = 'start' | 'stop' | 'restart';

/**
 * What each verb says, every phrase whole (a translation cannot inflect an English verb
 * glued into a sentence); functions, because this table is built at import, before
 * activate() has handed over the translations.
 */
interface VerbText {
  action: ControlAction;
  /** The quick pick's title when no environment was given. */
  environmentTitle(): string;
  /** Progress title and confirm button: the verb and the environment or the services it acts on. */
  title(target: string): string;
  question(target: string): string;
  /** What the modal says happens to production. */
  productionEffect(services: string): string;
  untrustedRefusal(): string;
  notOnContainer(): string;
}

const VERBS: Record<Verb, VerbText> = {
  start: {
    action: 'up',
    environmentTitle: () => l10n.t('Start Environment'),
    title: (target) => l10n.t('Start {0}', target),
    question: (target) => l10n.t('Start {0}?', target),
    productionEffect: (services) => l10n.t('This starts {0} in production; missing containers are created from the images tagged now; running ones are left as they are.', services),
    untrustedRefusal: () => l10n.t('Dual Env does not start containers in an untrusted workspace: it would run Compose or git from this folder. Trust the folder (Manage Workspace Trust) first.'),
    notOnContainer: () => l10n.t('Start Container works on a container of the Environments view.'),
  },
  stop: {
    action: 'down',
    environmentTitle: () => l10n.t('Stop Environment'),
    title: (target) => l10n.t('Stop {0}', target),
    question: (target) => l10n.t('Stop {0}?', target),
    productionEffect: (services) => l10n.t('This stops {0} in production; the site is down until you start it again.', services),
    untrustedRefusal: () => l10n.t('Dual Env does not stop containers in an untrusted workspace: it would run Compose or git from this folder. Trust the folder (Manage Workspace Trust) first.'),
    notOnContainer: () => l10n.t('Stop Container works on a container of the Environments view.'),
  },
  restart: {
    action: 'restart',
    environmentTitle: () => l10n.t('Restart Environment'),
    title: (target) => l10n.t('Restart {0}', target),
    question: (target) => l10n.t('Restart {0}?', target),
    productionEffect: (services) => l10n.t('This restarts {0} in production; the site is unavailable while they restart.', services),
    untrustedRefusal: () => l10n.t('Dual Env does not restart containers in an untrusted workspace: it would run Compose or git from this folder. Trust the folder (Manage Workspace Trust) first.'),
    notOnContainer: () => l10n.t('Restart Container works on a container of the Environments view.'),
  },
};

/** Production is never started, stopped or restarted without a modal that names the action. */
async function confirmProduction(ctx: Ctx, environment: Environment, verb: Verb, target: string, services: readonly string[]): Promise<boolean> {
  if (!environment.isProduction) return true;
  const text = VERBS[verb];
  return ctx.userInput.confirm(text.question(target), {
    detail: text.productionEffect(services.join(', ')),
    confirm: text.title(target),
  });
}

/** The core's start/stop/restart: under the environment's lock (never during a deploy), waiting for health after a start. */
async function composeVerb(ctx: Ctx, on: Target, verb: Verb, services: readonly string[]): Promise<void> {
  const { project, environment } = on;
  const text = VERBS[verb];
  if (!project.config || ctx.refuseIfUntrusted(text.untrustedRefusal())) return;
  const whole = services.length === environment.services.length;
  // in a multi-root workspace the modal and the progress name the folder too: two folders may both have a Production
  const target = whole ? ctx.labelOf(on) : services.join(', ');
  const title = text.title(target);
  if (!(await confirmProduction(ctx, environment, verb, target, services))) {
    ctx.log.info(`${title} cancelled; nothing was changed.`);
    return;
  }
  const [engine, deps] = await Promise.all([loadEngine(), operationDeps(ctx, on)]);
  const options = { environment: environment.name, action: text.action, service: whole ? undefined : services[0], healthTimeoutSeconds: project.settings.healthTimeoutSeconds };
  await ctx.withProgress(title, (signal, onProgress) => engine.controlEnvironment(deps, options, signal, onProgress));
}

function environmentVerb(verb: Verb): CommandFactory {
  return (ctx) => async (arg?: unknown) => {
    const target = await ctx.environmentOf(arg, VERBS[verb].environmentTitle());
    if (target) await composeVerb(ctx, target, verb, target.environment.services);
  };
}

function containerVerb(verb: Verb): CommandFactory {
  return (ctx) => async (node?: TreeNode) => {
    if (node?.kind !== 'container') throw new Error(VERBS[verb].notOnContainer());
    await composeVerb(ctx, node, verb, [node.container.service]);
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
    if (!port) throw new Error(l10n.t('{0} publishes no TCP port to open.', node.container.service));
    await vscode.env.openExternal(vscode.Uri.parse(publishedPortUrl(port, dockerHostOf(node.environment))));
    return;
  }
  const target = await ctx.environmentOf(arg, l10n.t('Open Environment in Browser'), withUrl);
  if (!target) return;
  await vscode.env.openExternal(vscode.Uri.parse(browserUrl(target.environment)));
};

/** The status-bar badge's click: a quick pick of what can be done with that environment. */
export const environmentActions: CommandFactory = (ctx) => async (arg?: unknown) => {
  const target = await ctx.environmentOf(arg, l10n.t('Environment Actions'));
  if (!target) return;
  const { project, environment } = target;
  const registered = new Set(await vscode.commands.getCommands(true));
  const offered = environmentActionsFor(environment, vscode.workspace.isTrusted).filter(({ command }) => registered.has(command));
  const title = labelInGroup(environment.label, project.name, ctx.model.projects().length);
  const picked = await ctx.userInput.pick(offered.map(({ command, label }) => ({ label, command })), { title, placeHolder: project.statusOf(environment.name)?.reason });
  // the chosen command acts on this folder's environment, without asking again
  const request: RemedyRequest = { environmentName: environment.name, folder: project.key };
  if (picked) await vscode.commands.executeCommand(picked.command, request);
};
