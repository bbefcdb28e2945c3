import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { ConfigError, errorMessage } from '../core/common/errors';
import { checkIsolation, loadConfig, withStoredPasswords, type DualEnvConfig, type Environment, type IsolationFinding, type SecretSource } from '../core/config';
import { lastSuccessfulDeploy } from '../core/operations/history';
import { loadEngine } from './engineLoader';
import type { EnvironmentStatus, LastDeploy } from './model';
import { withoutDeclaredDockerHosts } from './restrictedMode';
import { applySettings, type DualEnvSettings } from './settings/applySettings';
import { readSettings } from './settings/settings';

/** What the Environments view can show; package.json's viewsWelcome matches `dualEnv.state`. */
export type ViewState = 'noFolder' | 'noComposeFile' | 'configError' | 'dockerUnreachable' | 'ready';

/** What the model needs of the engine's StatusMonitor. */
interface Monitor {
  subscribe(listener: (snapshot: EnvironmentStatus[]) => void): () => void;
  start(): void;
  dispose(): void;
}

/**
 * The workspace as the tree, the status bar and the commands see it: the compose
 * file's environments with the settings applied, the isolation findings, and the
 * live status of each environment. Fires onDidChange whenever any of it changes.
 */
export class WorkspaceModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  state: ViewState = 'noFolder';
  /** Why the state is not `ready`, in one sentence. */
  problem: string | undefined;
  config: DualEnvConfig | undefined;
  settings: DualEnvSettings = readSettings();
  findings: IsolationFinding[] = [];
  private readonly statuses = new Map<string, EnvironmentStatus>();
  private monitor: Monitor | undefined;
  /** Bumped by each reload, so that a slow start of an older one is dropped. */
  private generation = 0;
  /** The last Restricted Mode notice logged, so that each reload does not repeat it. */
  private restrictedNotice: string | undefined;

  constructor(private readonly log: vscode.LogOutputChannel, private readonly secrets: SecretSource) {}

  get folder(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.[0];
  }

  /** Where the compose file is (or would be created). */
  composeFilePath(): string | undefined {
    return this.folder && path.resolve(this.folder.uri.fsPath, this.settings.composeFile);
  }

  environments(): Environment[] {
    return this.config?.environments ?? [];
  }

  statusOf(environment: string): EnvironmentStatus | undefined {
    return this.statuses.get(environment);
  }

  /** The last successful deploy from the project's deploy history (a small file, read when the tree redraws). */
  lastDeployOf(environment: string): LastDeploy | undefined {
    return this.config && lastSuccessfulDeploy(this.config.projectDir, environment);
  }

  /**
   * Reads the compose file and the settings again and restarts the live status;
   * nothing is cached past a Refresh (the welcome view's Retry calls this too).
   */
  reload(): void {
    const generation = ++this.generation;
    this.monitor?.dispose();
    this.monitor = undefined;
    this.settings = readSettings(this.folder?.uri, (warning) => this.log.warn(warning));
    this.config = undefined;
    this.findings = [];
    this.statuses.clear();
    const file = this.composeFilePath();
    if (!file) {
      this.setState('noFolder', 'Open a folder that holds docker-compose-dual-env.yml.');
    } else if (!fs.existsSync(file)) {
      this.setState('noComposeFile', `There is no ${path.basename(file)} in ${path.dirname(file)}.`);
    } else {
      try {
        this.config = applySettings(this.withinTrust(loadConfig(file)), this.settings);
        this.findings = checkIsolation(this.config);
        this.setState('ready', undefined);
      } catch (error) {
        if (!(error instanceof ConfigError)) this.log.error(error instanceof Error ? error : String(error));
        this.setState('configError', errorMessage(error));
      }
    }
    this.changed.fire();
    if (this.config) void this.watch(this.config, generation);
  }

  /**
   * In Restricted Mode, the config without the Docker hosts the compose file names;
   * trusting the folder reloads the model, which then uses them.
   */
  private withinTrust(config: DualEnvConfig): DualEnvConfig {
    if (vscode.workspace.isTrusted) return config;
    const { config: restricted, ignored } = withoutDeclaredDockerHosts(config);
    const notice = ignored.length > 0
      ? `Restricted Mode: the status ignores dockerHost in x-dual-env (${ignored.join(', ')}) and reads DOCKER_HOST or the local socket until this folder is trusted.`
      : undefined;
    if (notice && notice !== this.restrictedNotice) this.log.warn(notice);
    this.restrictedNotice = notice;
    return restricted;
  }

  /** Resolves once the live status has started (or Docker was found unreachable). */
  ready: Promise<void> = Promise.resolve();

  private watch(loaded: DualEnvConfig, generation: number): Promise<void> {
    this.ready = (async () => {
      const engine = await loadEngine();
      // passwords kept in SecretStorage reach containers' output like those in .env: redact them too
      const config = await withStoredPasswords(loaded, this.secrets);
      if (generation !== this.generation) return;
      this.config = config;
      // a quick ping, so that the view can say at once that Docker is not there
      const hosts = new Map(config.environments.map((e) => [engine.dockerClientFor(e), e]));
      const unreachable = await Promise.all([...hosts.keys()].map((docker) => docker.ping().then(() => undefined, (error: unknown) => errorMessage(error))));
      if (generation !== this.generation) return;
      const problems = unreachable.filter((p): p is string => p !== undefined);
      if (problems.length === hosts.size) {
        this.setState('dockerUnreachable', `Docker cannot be reached (${problems[0]}); start it or fix dualEnv.dockerHost / DOCKER_HOST, then Retry.`);
        this.changed.fire();
      }
      // the monitor keeps reconnecting on its own; its first answer makes the view ready again
      const monitor = engine.createStatusMonitor({ config, log: (line) => this.log.info(line) });
      this.monitor = monitor;
      monitor.subscribe((snapshot) => {
        if (generation !== this.generation) return;
        for (const status of snapshot) this.statuses.set(status.environment, status);
        if (this.state === 'dockerUnreachable' && snapshot.some((s) => s.health !== 'unknown')) this.setState('ready', undefined);
        this.changed.fire();
      });
      monitor.start();
    })().catch((error: unknown) => {
      // an invalid dockerHost or a missing TLS certificate throws before any connection;
      // the view must offer Retry with the reason rather than sit "ready" with no status
      if (generation !== this.generation) return;
      if ((error as Error)?.name !== 'DockerUnreachableError') this.log.error(error instanceof Error ? error : String(error));
      this.setState('dockerUnreachable', errorMessage(error));
      this.changed.fire();
    });
    return this.ready;
  }

  /** Logs a failure that the view shows only as missing data. */
  logProblem(what: string, error: unknown): void {
    this.log.warn(`${what}: ${errorMessage(error)}`);
  }

  private setState(state: ViewState, problem: string | undefined): void {
    this.state = state;
    this.problem = problem;
    if (problem) this.log.warn(problem);
    void vscode.commands.executeCommand('setContext', 'dualEnv.state', state);
  }

  dispose(): void {
    this.generation++;
    this.monitor?.dispose();
    this.changed.dispose();
  }
}
