import path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/common/errors';
import type { DualEnvConfig, Environment, IsolationFinding, SecretSource } from '../../core/config';
import { isRemoteEngine } from '../../core/docker/dockerHost';
import { lastSuccessfulDeploy } from '../../core/operations/history';
import { loadEngine, type Engine } from '../engineLoader';
import type { EnvironmentStatus, LastDeploy } from '../model';
import type { DualEnvSettings } from '../settings/applySettings';
import { readSettings } from '../settings/settings';
import type { ViewState } from './folderGroups';
import { LiveStatus } from './liveStatus';
import { readWorkspaceConfig } from './readWorkspaceConfig';

/** One reading of the folder: what a reload found. */
interface Reading {
  settings: DualEnvSettings;
  config?: DualEnvConfig;
  findings: IsolationFinding[];
}

/**
 * One workspace folder as the tree, the status bar and the commands see it: its
 * compose file's environments with the folder's settings applied, the isolation
 * findings, and the live status of each environment, all read-only from outside.
 * Each folder is its own project (its own compose project name, lock, history and
 * backups). Fires onDidChange whenever any of it changes.
 */
export class ProjectModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private current: { state: ViewState; problem?: string } = { state: 'noComposeFile' };
  private reading: Reading;
  /** The last deploy of each environment on a server, read from there after each change of the live status (local ones are read from the file). */
  private serverDeploys = new Map<string, LastDeploy | undefined>();
  private serverDeploysRead: { running: boolean; again: boolean; engine?: Engine } = { running: false, again: false };
  /** Bumped whenever a last deploy read from a server changed, so that readers caching lastDeployOf know to read again. */
  deploysVersion = 0;
  private live: LiveStatus | undefined;
  /** Bumped by each reload, so that a slow read of an older one is dropped. */
  private generation = 0;
  /** The last Restricted Mode notice logged, so that each reload does not repeat it. */
  private restrictedNotice: string | undefined;
  /** Resolves when the last reload has read the folder (the live status may still be starting). */
  loaded: Promise<void> = Promise.resolve();
  /** Resolves once the live status has started (or Docker was found unreachable). */
  ready: Promise<void> = Promise.resolve();

  constructor(readonly folder: vscode.WorkspaceFolder, private readonly log: vscode.LogOutputChannel, private readonly secrets: SecretSource) {
    this.reading = { settings: readSettings(folder.uri), findings: [] };
  }

  /** The folder's name, as the tree and the quick picks show it. */
  get name(): string { return this.folder.name; }
  /** Stable while the folder is in the workspace: what tree ids, badges and command arguments name it by. */
  get key(): string { return this.folder.uri.toString(); }
  get state(): ViewState { return this.current.state; }
  /** Why the state is not `ready`, in one sentence. */
  get problem(): string | undefined { return this.current.problem; }
  get config(): DualEnvConfig | undefined { return this.reading.config; }
  get settings(): DualEnvSettings { return this.reading.settings; }
  get findings(): readonly IsolationFinding[] { return this.reading.findings; }

  /** Where the compose file is (or would be created): the folder's own dualEnv.composeFile, relative to it. */
  composeFilePath(settings = this.settings): string {
    return path.resolve(this.folder.uri.fsPath, settings.composeFile);
  }

  environments(): Environment[] {
    return this.config?.environments ?? [];
  }

  statusOf(environment: string): EnvironmentStatus | undefined {
    return this.live?.statusOf(environment);
  }

  /**
   * The last successful deploy from the environment's deploy history: the project's small
   * file, read when the tree redraws; for an environment on a server, what was last read there.
   */
  lastDeployOf(environment: string): LastDeploy | undefined {
    const found = this.config?.environments.find((e) => e.name === environment);
    if (!this.config || !found) return undefined;
    return isRemoteEngine(found) ? this.serverDeploys.get(environment) : lastSuccessfulDeploy(this.config.projectDir, environment);
  }

  /**
   * Reads the last deploys kept on servers again, one read at a time (a change during a read
   * asks for one more): a deploy there, from any teammate, recreates containers, which changes
   * the live status that calls this. Fires onDidChange only when a last deploy changed.
   */
  private readServerDeploys(): void {
    const reading = this.serverDeploysRead;
    const config = this.config;
    const remote = config?.environments.filter((e) => isRemoteEngine(e)) ?? [];
    if (!config || remote.length === 0 || !reading.engine) return;
    if (reading.running) {
      reading.again = true;
      return;
    }
    reading.running = true;
    const engine = reading.engine;
    void Promise.all(remote.map(async (environment) => [environment.name, await engine.lastSuccessfulDeployOf(config, environment)] as const))
      .then((read) => {
        if (config !== this.config) return;
        const changed = read.some(([name, last]) => this.serverDeploys.get(name)?.finishedAt !== last?.finishedAt || !this.serverDeploys.has(name));
        for (const [name, last] of read) this.serverDeploys.set(name, last);
        if (changed) {
          this.deploysVersion++;
          this.changed.fire();
        }
      }, (error: unknown) => this.logProblem('Reading the deploy history kept on the server', error))
      .finally(() => {
        reading.running = false;
        if (reading.again && config === this.config) {
          reading.again = false;
          this.readServerDeploys();
        }
      });
  }

  /**
   * Reads the compose file and the settings again and restarts the live status;
   * nothing is cached past a Refresh. The compose file's parser is the engine's,
   * loaded only for a folder that holds a compose file.
   */
  reload(): Promise<void> {
    const generation = ++this.generation;
    this.live?.dispose();
    this.live = undefined;
    this.loaded = this.read(generation);
    return this.loaded;
  }

  private async read(generation: number): Promise<void> {
    const settings = readSettings(this.folder.uri, (warning) => this.log.warn(warning));
    const read = await readWorkspaceConfig(loadEngine, this.composeFilePath(settings), settings, vscode.workspace.isTrusted);
    if (generation !== this.generation) return;
    if (read.state === 'ready') {
      this.reading = { settings, config: read.config, findings: read.findings };
      this.serverDeploys = new Map();
      this.serverDeploysRead = { running: false, again: false, engine: read.engine };
      if (read.restrictedNotice && read.restrictedNotice !== this.restrictedNotice) this.log.warn(read.restrictedNotice);
      this.restrictedNotice = read.restrictedNotice;
      this.setState('ready', undefined);
      this.live = new LiveStatus(read.engine, read.config, this.secrets, this.log, {
        changed: () => {
          this.changed.fire();
          this.readServerDeploys();
        },
        reachability: (problem) => this.reachability(problem),
      });
      this.ready = this.live.started;
      this.readServerDeploys();
    } else {
      this.reading = { settings, findings: [] };
      if (read.unexpected) this.log.error(read.unexpected instanceof Error ? read.unexpected : String(read.unexpected));
      this.setState(read.state, read.problem);
      this.ready = Promise.resolve();
    }
    this.changed.fire();
  }

  private setState(state: ViewState, problem: string | undefined): void {
    // a folder without a compose file is not a project: in a multi-root workspace most folders are not, and are not worth a warning
    if (problem && state !== 'noComposeFile' && problem !== this.current.problem) this.log.warn(problem);
    this.current = { state, problem };
  }

  private reachability(problem: string | undefined): void {
    if (problem) this.setState('dockerUnreachable', problem);
    // the monitor's first answer makes the folder ready again
    else if (this.current.state === 'dockerUnreachable') this.setState('ready', undefined);
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
