import * as vscode from 'vscode';
import type { SecretSource } from '../core/config';
import { isGroup, workspaceState } from './workspace/folderGroups';
import { ProjectModel } from './workspace/projectModel';
import { ViewStateKey, type ViewState } from './workspace/viewStateKey';
import { watchComposeFile } from './reloadTriggers';

export type { ViewState } from './workspace/viewStateKey';
export type { ProjectModel } from './workspace/projectModel';

interface Member {
  project: ProjectModel;
  subscriptions: vscode.Disposable[];
}

/**
 * The workspace as the tree, the status bar and the commands see it: a project per
 * workspace folder, in the folders' order, and the groups among them (the folders
 * that hold a compose file). Keeps the view's state in step with the projects and
 * fires onDidChange whenever any of them changes.
 */
export class WorkspaceModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly view = new ViewStateKey();
  /** By folder key, in the workspace folders' order. */
  private members = new Map<string, Member>();
  /** Resolves when every folder has been read since the last reload or folder change. */
  loaded: Promise<void> = Promise.resolve();

  constructor(private readonly log: vscode.LogOutputChannel, private readonly secrets: SecretSource) {}

  get state(): ViewState { return this.view.state; }
  /** Why the state is not `ready`, in one sentence. */
  get problem(): string | undefined { return this.view.problem; }

  /** Every workspace folder's project, holding a compose file or not, in the folders' order. */
  allProjects(): ProjectModel[] {
    return [...this.members.values()].map((m) => m.project);
  }

  /** The groups: the folders that hold a compose file, in the folders' order. */
  projects(): ProjectModel[] {
    return this.allProjects().filter(isGroup);
  }

  /** The project of a folder, by its key (a tree node's, a badge's, a remedy's). */
  projectByKey(key: string): ProjectModel | undefined {
    return this.members.get(key)?.project;
  }

  /** Resolves once the live status of every group has started (or Docker was found unreachable). */
  get ready(): Promise<void> {
    return Promise.all(this.allProjects().map((p) => p.ready)).then(() => undefined);
  }

  /** Reads every folder again: the Refresh command, the welcome view's Retry, a workspace newly trusted. */
  reload(): Promise<void> {
    this.matchFolders();
    return this.settle(this.allProjects().map((p) => p.reload()));
  }

  /** Reads one folder again (its dualEnv.* settings or its compose file changed). */
  reloadProject(project: ProjectModel): Promise<void> {
    return this.settle([project.reload()]);
  }

  /**
   * Makes the projects match the workspace folders: a project for each folder added,
   * read at once; the project of each folder removed disposed with its live status.
   */
  syncFolders(): Promise<void> {
    return this.settle(this.matchFolders().map((p) => p.reload()));
  }

  /** The projects of the folders added, not read yet. */
  private matchFolders(): ProjectModel[] {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const next = new Map<string, Member>();
    const added: ProjectModel[] = [];
    for (const folder of folders) {
      const key = folder.uri.toString();
      const existing = this.members.get(key);
      if (existing) {
        next.set(key, existing);
        continue;
      }
      const project = new ProjectModel(folder, this.log, this.secrets);
      next.set(key, { project, subscriptions: [project.onDidChange(() => this.update()), watchComposeFile(project, () => void this.reloadProject(project))] });
      added.push(project);
    }
    for (const [key, member] of this.members) {
      if (!next.has(key)) WorkspaceModel.disposeMember(member);
    }
    this.members = next;
    this.update();
    return added;
  }

  private settle(reads: Promise<void>[]): Promise<void> {
    this.loaded = Promise.all(reads).then(() => undefined);
    return this.loaded;
  }

  private update(): void {
    const { state, problem } = workspaceState(this.allProjects());
    this.view.set(state, problem);
    this.changed.fire();
  }

  private static disposeMember(member: Member): void {
    for (const subscription of member.subscriptions) subscription.dispose();
    member.project.dispose();
  }

  dispose(): void {
    for (const member of this.members.values()) WorkspaceModel.disposeMember(member);
    this.members.clear();
    this.changed.dispose();
  }
}
