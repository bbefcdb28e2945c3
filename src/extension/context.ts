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
import { remedyActions, remedyRequest } from './remedyActions';
import { remediesOf } from '../core/common/remedies';

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
   * The environment a command acts on: given by the tree node or status-bar item it
   * was invoked from, else the only one it applies to, else asked for with a quick pick.
   * One it cannot act on is an Error saying why; undefined means the pick was dismissed.
   */
  async environmentOf(arg: unknown, title: string, requirement?: Requirement): Promise<Environment | undefined> {
    if (!this.model.config) throw new Error(this.model.problem ?? l10n.t('There is no compose file to read environments from.'));
    const node = arg as Partial<TreeNode> | undefined;
    const name = typeof arg === 'string' ? arg : remedyRequest(arg)?.environmentName ?? (node && 'environment' in node ? node.environment?.name : undefined);
    const environments = environmentChoice(this.model.environments(), name, requirement);
    if (environments.length === 1) return environments[0];
    const picked = await this.userInput.pick(
      environments.map((environment) => ({ label: environment.label, description: environment.url, environment })),
      { title, placeHolder: l10n.t('Environment') },
    );
    return picked?.environment;
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

  /** A failure ends in one error notification: a button for each remedy the error carries, then "Show Log". */
  async showFailure(error: unknown): Promise<void> {
    const message = errorMessage(error);
    if (isCancelled(error)) {
      this.log.info(message);
      void vscode.window.showInformationMessage(message);
      return;
    }
    this.log.error(error instanceof Error ? error : message);
    const all = [...remedyActions(remediesOf(error)), { title: l10n.t('Show Log'), run: () => this.log.show() }];
    const chosen = await this.userInput.error(message, all.map((a) => a.title));
    await all.find((a) => a.title === chosen)?.run();
  }
}
