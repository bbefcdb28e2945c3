import * as vscode from 'vscode';
import { errorMessage, isCancelled } from '../core/common/errors';
import type { Environment, SecretSource } from '../core/config';
import type { ProgressEvent } from '../core/common/progress';
import { environmentChoice, type Requirement } from './environmentChoice';
import { l10n } from './l10n';
import { LogChannels } from './logChannels';
import { StatusBadges } from './statusBar/statusBadges';
import { EnvironmentsTree, type TreeNode } from './tree/environmentsTree';
import { windowUserInput, type UserInput } from './userInput';
import { WalkthroughContext } from './walkthrough/walkthroughContext';
import { WorkspaceModel } from './workspaceModel';
import type { ProjectModel } from './workspace/projectModel';
import { groupChoice, labelInGroup } from './workspace/folderGroups';
import { remedyActions, remedyRequest } from './remedyActions';
import { remediesOf } from '../core/common/remedies';

/** What a command acts on: an environment, and the workspace folder whose compose file declares it. */
export interface Target {
  project: ProjectModel;
  environment: Environment;
}

/** The environment a command was given by name: a string, a badge's or remedy's request, or a tree node. */
function environmentNameOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const node = arg as Partial<TreeNode> | undefined;
  return remedyRequest(arg)?.environmentName ?? (node && typeof node === 'object' && 'environment' in node ? node.environment?.name : undefined);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a command gets whatever VS Code passes (a tree node, a name, nothing)
export type Handler = (...args: any[]) => unknown;
/** A command is a factory: it gets the context once and returns the handler (rust-analyzer's pattern). */
export type CommandFactory = (ctx: Ctx) => Handler;


/**
 * The one object every part of the extension hangs off: the model, the views, the
 * log, the user-input seam, and every disposable.
 */
export class Ctx {
  readonly log: vscode.LogOutputChannel;
  readonly model: WorkspaceModel;
  readonly tree: EnvironmentsTree;
  readonly badges: StatusBadges;
  readonly logChannels: LogChannels;
  /** The getting-started walkthrough's context keys. */
  readonly walkthrough: WalkthroughContext;
  /** Replaced by a scripted one in the extension-host tests. */
  userInput: UserInput = windowUserInput;
  /** Passwords asked once and kept in VS Code's SecretStorage; never in settings. */
  readonly secrets: SecretSource;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Dual Env', { log: true });
    this.secrets = { get: async (key) => extension.secrets.get(key) };
    this.model = new WorkspaceModel(this.log, this.secrets);
    this.tree = new EnvironmentsTree(this.model);
    this.badges = new StatusBadges(this.model);
    this.logChannels = new LogChannels(this.log);
    this.walkthrough = new WalkthroughContext(this.model, extension.secrets);
    this.push(this.log, this.model, this.tree, this.badges, this.logChannels, this.walkthrough);
  }

  push(...disposables: vscode.Disposable[]): void {
    this.extension.subscriptions.push(...disposables);
  }

  registerCommand(name: string, factory: CommandFactory): void {
    const handler = factory(this);
    this.push(vscode.commands.registerCommand(`dualEnv.${name}`, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        await this.showFailure(error);
      }
    }));
  }

  /**
   * Commands that run Compose, git or a restore, or act on hosts and folders the
   * compose file names, refuse in an untrusted workspace (their menus are disabled
   * too, through `isWorkspaceTrusted`); this shows the command's `refusal`, one whole
   * sentence saying what it does not do there and why, when one is invoked anyway.
   * True when the command must stop.
   */
  refuseIfUntrusted(refusal: string): boolean {
    if (vscode.workspace.isTrusted) return false;
    void vscode.window.showWarningMessage(refusal);
    return true;
  }

  /**
   * The folder a command acts on: the one of the tree node, badge or notification it
   * was invoked from, else the only group it applies to (one with the named environment,
   * one the requirement allows), else asked for with a quick pick: never the first
   * folder by default. `anyState` admits a folder whose compose file cannot be read.
   * Undefined means the pick was dismissed.
   */
  async projectOf(arg: unknown, title: string, options: { requirement?: Requirement; anyState?: boolean } = {}): Promise<ProjectModel | undefined> {
    const node = arg as Partial<TreeNode> | undefined;
    if (node && typeof node === 'object' && 'project' in node && node.project) return node.project;
    const folder = remedyRequest(arg)?.folder;
    if (folder !== undefined) {
      const project = this.model.projectByKey(folder);
      if (!project) throw new Error(l10n.t('The workspace folder this was asked for is no longer open.'));
      return project;
    }
    const groups = this.model.projects();
    if (groups.length === 0) throw new Error(this.model.problem ?? l10n.t('There is no compose file to read environments from.'));
    const readable = options.anyState ? groups : groups.filter((g) => g.config);
    if (readable.length === 0) throw new Error(groups[0].problem ?? l10n.t('There is no compose file to read environments from.'));
    const candidates = options.anyState ? readable : groupChoice(readable, environmentNameOf(arg), options.requirement);
    if (candidates.length === 1) return candidates[0];
    const picked = await this.userInput.pick(
      candidates.map((project) => ({ label: project.name, description: project.folder.uri.fsPath, project })),
      { title, placeHolder: l10n.t('Workspace folder') },
    );
    return picked?.project;
  }

  /**
   * The environment a command acts on, with its folder's project: given by the tree
   * node or status-bar item it was invoked from, else the only one it applies to, else
   * asked for with a quick pick (first the folder, when several could serve). One it
   * cannot act on is an Error saying why; undefined means a pick was dismissed.
   */
  async environmentOf(arg: unknown, title: string, requirement?: Requirement): Promise<Target | undefined> {
    const project = await this.projectOf(arg, title, { requirement });
    if (!project) return undefined;
    if (!project.config) throw new Error(project.problem ?? l10n.t('There is no compose file to read environments from.'));
    const environments = environmentChoice(project.environments(), environmentNameOf(arg), requirement);
    if (environments.length === 1) return { project, environment: environments[0] };
    const groupCount = this.model.projects().length;
    const picked = await this.userInput.pick(
      environments.map((environment) => ({ label: labelInGroup(environment.label, project.name, groupCount), description: environment.url, environment })),
      { title, placeHolder: l10n.t('Environment') },
    );
    return picked && { project, environment: picked.environment };
  }

  /** An environment's label, with its folder's name when more than one folder holds a compose file. */
  labelOf({ project, environment }: Target): string {
    return labelInGroup(environment.label, project.name, this.model.projects().length);
  }

  /**
   * Runs a long operation under a cancellable notification: the current step in the
   * notification, every event in the log, Cancel → the operation's AbortSignal.
   * `title` is already translated; the log's own words stay English, as the log is
   * what people paste into an issue.
   */
  withProgress<T>(title: string, task: (signal: AbortSignal, onProgress: (event: ProgressEvent) => void) => Promise<T>): Promise<T> {
    return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => {
        this.log.warn(`${title}: cancelled by the user.`);
        abort.abort();
      });
      // VS Code closes a notification whose Cancel was pressed: past the point of no return the operation
      // goes on, so it gets a progress of its own that cannot be cancelled, until it ends
      let settle = () => {};
      const ended = new Promise<void>((resolve) => { settle = resolve; });
      let finishing: vscode.Progress<{ message?: string }> | undefined;
      let finishingShown = false;
      const showFinishing = (message: string) => {
        if (finishingShown) return;
        finishingShown = true;
        void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: l10n.t('{0} (cannot stop now)', title), cancellable: false }, (shown) => {
          finishing = shown;
          shown.report({ message });
          return ended;
        });
      };
      this.log.info(`${title}: started.`);
      try {
        const result = await task(abort.signal, (event) => {
          if (event.logLine !== undefined) {
            this.log.trace(`[${event.step}] ${event.logLine}`);
            return;
          }
          const line = `[${event.step}] ${event.state}${event.message ? `: ${event.message}` : ''}`;
          if (event.state === 'failed') this.log.error(line);
          // how far a step is, ticking many times a second, is for tracing; a step's start and end are for everyone
          else if (event.state === 'running' && event.fraction !== undefined) this.log.trace(line);
          else this.log.info(line);
          if (event.state !== 'running' || !event.message) return;
          const message = event.fraction === undefined ? event.message : l10n.t('{0} ({1} %)', event.message, Math.round(event.fraction * 100));
          if (abort.signal.aborted && /^Cannot stop now/.test(event.message)) showFinishing(message);
          progress.report({ message });
          finishing?.report({ message });
        });
        this.log.info(`${title}: finished.`);
        return result;
      } finally {
        cancel.dispose();
        settle();
      }
    }));
  }

  /**
   * A failure ends in one error notification: a button for each remedy the error carries, then "Show Log".
   * Given the project it happened in, each remedy acts on that folder again without asking.
   */
  async showFailure(error: unknown, project?: ProjectModel): Promise<void> {
    const message = errorMessage(error);
    if (isCancelled(error)) {
      this.log.info(message);
      void vscode.window.showInformationMessage(message);
      return;
    }
    this.log.error(error instanceof Error ? error : message);
    const all = [...remedyActions(remediesOf(error), project?.key), { title: l10n.t('Show Log'), run: () => this.log.show() }];
    const chosen = await this.userInput.error(message, all.map((a) => a.title));
    await all.find((a) => a.title === chosen)?.run();
  }
}
