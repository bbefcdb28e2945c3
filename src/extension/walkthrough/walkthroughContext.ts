import path from 'node:path';
import * as vscode from 'vscode';
import type { DualEnvConfig } from '../../core/config/model';
import { secretKey } from '../../core/config/credentials';
import { historyFile } from '../../core/operations/history';
import type { ProjectModel } from '../workspace/projectModel';
import type { WorkspaceModel } from '../workspaceModel';
import { declaredPasswordVariables, walkthroughKeys, type WalkthroughKey } from './walkthroughKeys';

/**
 * Sets the walkthrough's context keys from the live model, the secret storage and the
 * deploy history, so that its steps complete on what really happened: a password set
 * in .env as much as through the command, a deploy from the CLI as much as from here.
 */
export class WalkthroughContext implements vscode.Disposable {
  private readonly updated = new vscode.EventEmitter<void>();
  /** Fires after the keys were computed again (the extension-host tests wait on it). */
  readonly onDidUpdate = this.updated.event;
  private readonly subscriptions: vscode.Disposable[];
  private current: Partial<Record<WalkthroughKey, boolean>> = {};
  private history: { file: string; watcher: vscode.FileSystemWatcher } | undefined;
  /** Bumped by each update, so that a slow password lookup of an older one is dropped. */
  private generation = 0;
  /**
   * What the secret storage and the history file said for the config read last: the model
   * changes with every Docker event, but these change only with the config, a stored
   * secret or a history line, so they are read again only then.
   */
  private read: { config: DualEnvConfig | undefined; passwordsSet?: Promise<boolean>; deployed?: Set<string>; deploysVersion?: number } = { config: undefined };

  constructor(private readonly model: WorkspaceModel, private readonly secrets: vscode.SecretStorage) {
    this.subscriptions = [
      model.onDidChange(() => this.update()),
      secrets.onDidChange(() => { this.read.passwordsSet = undefined; this.update(); }),
    ];
    this.update();
  }

  /** The value each key was last set to. */
  values(): Partial<Record<WalkthroughKey, boolean>> {
    return { ...this.current };
  }

  /**
   * The project the walkthrough follows: the first folder holding a compose file. The
   * walkthrough gets one project going; a multi-root workspace's others follow the same steps.
   */
  private project(): ProjectModel | undefined {
    return this.model.projects()[0];
  }

  private update(): void {
    const generation = ++this.generation;
    const project = this.project();
    const config = project?.config;
    if (config !== this.read.config) this.read = { config };
    // a deploy on a server is not in the watched file: the model says when what it read there changed
    if (project?.deploysVersion !== this.read.deploysVersion) this.read = { ...this.read, deployed: undefined, deploysVersion: project?.deploysVersion };
    this.watchHistory(config);
    this.read.passwordsSet ??= this.passwordsSet(config);
    void this.read.passwordsSet.then((passwordsSet) => {
      if (generation !== this.generation) return;
      const environments = project?.environments() ?? [];
      this.read.deployed ??= new Set(environments.filter((e) => project?.lastDeployOf(e.name) !== undefined).map((e) => e.name));
      const deployed = this.read.deployed;
      const keys = walkthroughKeys({
        environments,
        statusOf: (name) => project?.statusOf(name),
        deployed: (name) => deployed.has(name),
        passwordsSet,
      });
      for (const [key, value] of Object.entries(keys) as [WalkthroughKey, boolean][]) {
        if (this.current[key] === value) continue;
        this.current[key] = value;
        void vscode.commands.executeCommand('setContext', key, value);
      }
      this.updated.fire();
    }, (error: unknown) => {
      this.read.passwordsSet = undefined;
      project?.logProblem('Reading the database passwords for the walkthrough', error);
    });
  }

  /** Whether every declared password variable has a value (the value itself is not kept). */
  private async passwordsSet(config: DualEnvConfig | undefined): Promise<boolean> {
    if (!config) return false;
    const present = await Promise.all(declaredPasswordVariables(config.environments).map(async (variable) =>
      Boolean(config.variables[variable] || await this.secrets.get(secretKey(config, variable)))));
    return present.every(Boolean);
  }

  /** A deploy (from here, the CLI or CI) appends to the history file, which the model does not watch. */
  private watchHistory(config: DualEnvConfig | undefined): void {
    const file = config && historyFile(config.projectDir);
    if (file === this.history?.file) return;
    this.history?.watcher.dispose();
    this.history = undefined;
    if (!file) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
    const update = () => { this.read.deployed = undefined; this.update(); };
    watcher.onDidCreate(update);
    watcher.onDidChange(update);
    this.history = { file, watcher };
  }

  dispose(): void {
    this.generation++;
    this.history?.watcher.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.updated.dispose();
  }
}
