import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { ConfigError, errorMessage } from '../core/common/errors';
import { checkIsolation, loadConfig, type DualEnvConfig, type Environment, type IsolationFinding } from '../core/config';
import type { EnvironmentStatus } from './model';
import { applySettings, type DualEnvSettings } from './settings/applySettings';
import { readSettings } from './settings/settings';

/** What the Environments view can show; package.json's viewsWelcome matches `dualEnv.state`. */
export type ViewState = 'noFolder' | 'noComposeFile' | 'configError' | 'ready';

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

  constructor(private readonly log: vscode.LogOutputChannel) {}

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

  /** Reads the compose file and the settings again; cheap, and never cached past a Refresh. */
  reload(): void {
    this.settings = readSettings(this.folder?.uri);
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
        this.config = applySettings(loadConfig(file), this.settings);
        this.findings = checkIsolation(this.config);
        this.setState('ready', undefined);
      } catch (error) {
        if (!(error instanceof ConfigError)) this.log.error(error instanceof Error ? error : String(error));
        this.setState('configError', errorMessage(error));
      }
    }
    this.changed.fire();
  }

  private setState(state: ViewState, problem: string | undefined): void {
    this.state = state;
    this.problem = problem;
    if (problem) this.log.warn(problem);
    void vscode.commands.executeCommand('setContext', 'dualEnv.state', state);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
