import path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../core/common/errors';
import type { DualEnvConfig, Environment, IsolationFinding, SecretSource } from '../core/config';
import { lastSuccessfulDeploy } from '../core/operations/history';
import { loadEngine } from './engineLoader';
import type { EnvironmentStatus, LastDeploy } from './model';
import type { DualEnvSettings } from './settings/applySettings';
import { readSettings } from './settings/settings';
import { LiveStatus } from './workspace/liveStatus';
import { readWorkspaceConfig } from './workspace/readWorkspaceConfig';
import { ViewStateKey, type ViewState } from './workspace/viewStateKey';

export type { ViewState } from './workspace/viewStateKey';

/** One reading of the workspace: what a reload found. */
interface Reading {
  settings: DualEnvSettings;
  config?: DualEnvConfig;
  findings: IsolationFinding[];
}

/**
 * The workspace as the tree, the status bar and the commands see it: the compose
 * file's environments with the settings applied, the isolation findings, and the
 * live status of each environment, all read-only from outside. Fires onDidChange
 * whenever any of it changes. Each concern is its own part: the view state and its
 * context key, reading the config, the live status.
 */
export class WorkspaceModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly view: ViewStateKey;
  private reading: Reading = { settings: readSettings(), findings: [] };
  private live: LiveStatus | undefined;
  /** Bumped by each reload, so that a slow read of an older one is dropped. */
  private generation = 0;
  /** The last Restricted Mode notice logged, so that each reload does not repeat it. */
  private restrictedNotice: string | undefined;
  /** Resolves when the last reload has read the workspace (the live status may still be starting). */
  loaded: Promise<void> = Promise.resolve();
  /** Resolves once the live status has started (or Docker was found unreachable). */
  ready: Promise<void> = Promise.resolve();

  constructor(private readonly log: vscode.LogOutputChannel, private readonly secrets: SecretSource) {
    this.view = new ViewStateKey(log);
  }

  get state(): ViewState { return this.view.state; }
  /** Why the state is not `ready`, in one sentence. */
  get problem(): string | undefined { return this.view.problem; }
  get config(): DualEnvConfig | undefined { return this.reading.config; }
  get settings(): DualEnvSettings { return this.reading.settings; }
  get findings(): readonly IsolationFinding[] { return this.reading.findings; }

  get folder(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.[0];
  }

  /** Where the compose file is (or would be created). */
  composeFilePath(settings = this.settings): string | undefined {
    return this.folder && path.resolve(this.folder.uri.fsPath, settings.composeFile);
  }

  environments(): Environment[] {
    return this.config?.environments ?? [];
  }

  statusOf(environment: string): EnvironmentStatus | undefined {
    return this.live?.statusOf(environment);
  }

  /** The last successful deploy from the project's deploy history (a small file, read when the tree redraws). */
  lastDeployOf(environment: string): LastDeploy | undefined {
    return this.config && lastSuccessfulDeploy(this.config.projectDir, environment);
  }

  /**
   * Reads the compose file and the settings again and restarts the live status;
   * nothing is cached past a Refresh (the welcome view's Retry calls this too).
   * The compose file's parser is the engine's, loaded on the first reload, after
   * activation has returned.
   */
  reload(): Promise<void> {
    const generation = ++this.generation;
    this.live?.dispose();
    this.live = undefined;
    this.loaded = this.read(generation);
    return this.loaded;
  }

  private async read(generation: number): Promise<void> {
    const settings = readSettings(this.folder?.uri, (warning) => this.log.warn(warning));
    const read = await readWorkspaceConfig(loadEngine, this.composeFilePath(settings), settings, vscode.workspace.isTrusted);
    if (generation !== this.generation) return;
    if (read.state === 'ready') {
      const engine = read.engine;
      this.reading = { settings, config: read.config, findings: read.findings };
      if (read.restrictedNotice && read.restrictedNotice !== this.restrictedNotice) this.log.warn(read.restrictedNotice);
      this.restrictedNotice = read.restrictedNotice;
      this.view.set('ready', undefined);
      this.live = new LiveStatus(engine, read.config, this.secrets, this.log, {
        changed: () => this.changed.fire(),
        reachability: (problem) => this.reachability(problem),
      });
      this.ready = this.live.started;
    } else {
      this.reading = { settings, findings: [] };
      if (read.unexpected) this.log.error(read.unexpected instanceof Error ? read.unexpected : String(read.unexpected));
      this.view.set(read.state, read.problem);
      this.ready = Promise.resolve();
    }
    this.changed.fire();
  }

  private reachability(problem: string | undefined): void {
    if (problem) this.view.set('dockerUnreachable', problem);
    // the monitor's first answer makes the view ready again
    else if (this.view.state === 'dockerUnreachable') this.view.set('ready', undefined);
    else return;
    this.changed.fire();
  }

  /** Logs a failure that the view shows only as missing data. */
  logProblem(what: string, error: unknown): void {
    this.log.warn(`${what}: ${errorMessage(error)}`);
  }

  dispose(): void {
    this.generation++;
    this.live?.dispose();
    this.changed.dispose();
  }
}
