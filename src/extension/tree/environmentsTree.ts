import * as vscode from 'vscode';
import { errorMessage } from '../../core/common/errors';
import type { Environment } from '../../core/config/model';
import type { BackupRecord } from '../../core/database/manifest';
import { isRemoteEngine } from '../../core/docker/dockerHost';
import { backupPlaceFor } from '../backupPlace';
import type { ContainerStatus } from '../model';
import type { WorkspaceModel } from '../workspaceModel';
import type { ProjectModel } from '../workspace/projectModel';
import { folderItem, folderProblemItem, type FolderView } from './folders/folderItem';
import { backupItem, backupsGroupItem } from './backups/backupItem';
import { BackupListings } from './backups/backupListings';
import { containerItem } from './containers/containerItem';
import { environmentItem } from './environments/environmentItem';
import { swarmServiceItem, swarmTaskItem } from './swarm/swarmItems';
import type { SwarmServiceStatus, SwarmTaskStatus } from '../../core/swarm/swarmStatus';
import type { ItemView } from './itemView';
import { toTreeItem } from './toTreeItem';
import { untrustedItem, warningItem } from './warnings/warningItem';

/** What a row of the Environments view stands for; commands receive it as their argument, and act on its folder's project. */
export type TreeNode =
  | { kind: 'folder'; project: ProjectModel }
  | { kind: 'environment'; project: ProjectModel; environment: Environment }
  | { kind: 'container'; project: ProjectModel; environment: Environment; container: ContainerStatus }
  | { kind: 'swarmService'; project: ProjectModel; environment: Environment; service: SwarmServiceStatus }
  | { kind: 'swarmTask'; project: ProjectModel; environment: Environment; task: SwarmTaskStatus }
  | { kind: 'backups'; project: ProjectModel; environment: Environment }
  | { kind: 'backup'; project: ProjectModel; environment: Environment; backup: BackupRecord }
  | { kind: 'warning'; view: ItemView; project?: ProjectModel };

/**
 * The Environments view: each environment, its containers, production's backups and
 * the warnings; in a multi-root workspace with more than one compose file, a node per
 * folder above them. Redrawn when the model changes or a backup folder changes on disk.
 * Backups are read where the CLI reads them (a folder, or the volume on the server) and
 * kept until a backup operation, a change on disk, a deploy or Refresh says they changed.
 */
export class EnvironmentsTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  /** By folder, environment and place: two folders may both have a production. */
  private readonly listings = new BackupListings(() => this.changed.fire(undefined), errorMessage);
  /** Each folder's count of last deploys read from servers, as last seen: a change there (anyone's deploy) may have added a backup. */
  private readonly deploysSeen = new Map<string, number>();
  private watchers: vscode.Disposable[] = [];
  /** The folders watched now: every Docker status snapshot changes the model, and must not remake the watchers. */
  private watchedFolders = '';

  constructor(private readonly model: WorkspaceModel) {
    this.subscription = model.onDidChange(() => {
      this.watchBackupFolders();
      this.noticeServerDeploys();
      this.changed.fire(undefined);
    });
  }

  /** Production's environments: the ones whose backups the tree lists. */
  private static hasBackups(environment: Environment): boolean {
    return environment.isProduction && environment.database !== undefined;
  }

  /** A listing per place: a changed dockerHost or backups folder is another listing. */
  private static backupsKey({ project, environment }: { project: ProjectModel; environment: Environment }): string {
    return [project.key, environment.name, environment.dockerHost ?? '', environment.backups.folder].join('\n');
  }

  /** The backups of the node's environment as last read, and a read started if they may have changed. */
  private listing(node: { project: ProjectModel; environment: Environment }) {
    return this.listings.current(EnvironmentsTree.backupsKey(node), () => EnvironmentsTree.readBackups(node));
  }

  private static async readBackups({ project, environment }: { project: ProjectModel; environment: Environment }): Promise<BackupRecord[]> {
    const place = await backupPlaceFor(project, environment);
    try {
      return await place.list();
    } catch (error) {
      project.logProblem(`Cannot list the backups in ${place.where}`, error);
      throw error;
    }
  }

  /**
   * A server's backups change without a file event here: a deploy by anyone takes one. The
   * project reads each server's last deploy after every change of its live status; when that
   * changed, the folder's backups are listed again.
   */
  private noticeServerDeploys(): void {
    const projects = this.model.projects();
    for (const project of projects) {
      if (this.deploysSeen.get(project.key) === project.deploysVersion) continue;
      this.deploysSeen.set(project.key, project.deploysVersion);
      this.listings.invalidate((key) => !key.startsWith(`${project.key}\n`));
    }
    const keys = new Set(projects.flatMap((project) => project.environments().map((environment) => EnvironmentsTree.backupsKey({ project, environment }))));
    this.listings.retain(keys);
  }

  private watchBackupFolders(): void {
    const environments = this.model.projects().flatMap((project) => project.environments());
    const folders = [...new Set(environments.filter(EnvironmentsTree.hasBackups).map((e) => e.backups.folder))].sort();
    if (folders.join('\n') === this.watchedFolders) return;
    this.watchedFolders = folders.join('\n');
    for (const watcher of this.watchers) watcher.dispose();
    this.watchers = folders.map((folder) => {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(folder), '**/manifest.json'));
      const refresh = () => this.refreshBackups();
      watcher.onDidCreate(refresh);
      watcher.onDidDelete(refresh);
      watcher.onDidChange(refresh);
      return watcher;
    });
  }

  /** Lists the backups again (after a backup, a delete, or a change on disk). */
  refreshBackups(): void {
    this.listings.invalidate();
    this.changed.fire(undefined);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const view = this.viewOf(node);
    // two folders both have a Staging: ids must differ, or VS Code refuses the tree
    const scoped = node.project && node.kind !== 'folder' && this.model.projects().length > 1 ? { ...view, id: `${node.project.key}|${view.id}` } : view;
    return toTreeItem(scoped, node);
  }

  /** The plain data of a row (the extension-host tests read the tree through this). */
  viewOf(node: TreeNode): ItemView {
    switch (node.kind) {
      case 'folder':
        return folderItem(EnvironmentsTree.folderView(node.project));
      case 'environment':
        return environmentItem(node.environment, node.project.statusOf(node.environment.name), node.project.lastDeployOf(node.environment.name));
      case 'container':
        return containerItem(node.environment.name, node.container);
      case 'swarmService':
        return swarmServiceItem(node.environment.name, node.service);
      case 'swarmTask':
        return swarmTaskItem(node.environment.name, node.task);
      case 'backups': {
        const { backups, problem } = this.listing(node);
        return backupsGroupItem(node.environment.name, backups, problem);
      }
      case 'backup':
        return backupItem(node.environment.name, node.backup, Date.now(), isRemoteEngine(node.environment));
      case 'warning':
        return node.view;
    }
  }

  private static folderView(project: ProjectModel): FolderView {
    return {
      key: project.key,
      name: project.name,
      state: project.state,
      problem: project.problem,
      composeFile: project.composeFilePath(),
      projectName: project.config?.projectName,
      environmentCount: project.environments().length,
    };
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.roots();
    if (node.kind === 'folder') return EnvironmentsTree.projectRows(node.project);
    if (node.kind === 'backups') {
      const { backups } = await this.listings.settled(EnvironmentsTree.backupsKey(node), () => EnvironmentsTree.readBackups(node));
      return (backups ?? []).map((backup): TreeNode => ({ kind: 'backup', project: node.project, environment: node.environment, backup }));
    }
    if (node.kind === 'swarmService') return node.service.tasks.map((task): TreeNode => ({ kind: 'swarmTask', project: node.project, environment: node.environment, task }));
    if (node.kind !== 'environment') return [];
    const { project, environment } = node;
    const status = project.statusOf(environment.name);
    // a Swarm environment's replicas run on other machines: services and tasks, not containers
    const containers = status?.swarm
      ? status.swarm.services.map((service): TreeNode => ({ kind: 'swarmService', project, environment, service }))
      : (status?.containers ?? []).map((container): TreeNode => ({ kind: 'container', project, environment, container }));
    if (!EnvironmentsTree.hasBackups(environment)) return containers;
    // a server's listing takes seconds: the containers show now, the Backups row fills in when read
    this.listing(node);
    return [...containers, { kind: 'backups', project, environment }];
  }

  private roots(): TreeNode[] {
    // outside `ready` the tree is empty, so that the view's welcome content explains why
    if (this.model.state !== 'ready') return [];
    const trust: TreeNode[] = vscode.workspace.isTrusted ? [] : [{ kind: 'warning', view: untrustedItem() }];
    const groups = this.model.projects();
    // one folder with a compose file looks as a single-folder workspace does: no folder level
    if (groups.length === 1) return [...trust, ...EnvironmentsTree.projectRows(groups[0])];
    return [...trust, ...groups.map((project): TreeNode => ({ kind: 'folder', project }))];
  }

  /** A project's environments and isolation warnings, or why it has none. */
  private static projectRows(project: ProjectModel): TreeNode[] {
    if (project.state === 'configError' || project.state === 'dockerUnreachable') return [{ kind: 'warning', project, view: folderProblemItem(project) }];
    const environments = project.environments().map((environment): TreeNode => ({ kind: 'environment', project, environment }));
    const warnings = project.findings.map((finding, index): TreeNode => ({ kind: 'warning', project, view: warningItem(finding, index) }));
    return [...environments, ...warnings];
  }

  dispose(): void {
    for (const watcher of this.watchers) watcher.dispose();
    this.subscription.dispose();
    this.changed.dispose();
  }
}
