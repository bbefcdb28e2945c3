import * as vscode from 'vscode';
import type { Environment } from '../../core/config/model';
import type { BackupRecord } from '../../core/database/manifest';
import { loadEngine } from '../engineLoader';
import type { ContainerStatus } from '../model';
import type { WorkspaceModel } from '../workspaceModel';
import { backupItem, backupsGroupItem } from './backups/backupItem';
import { containerItem } from './containers/containerItem';
import { environmentItem } from './environments/environmentItem';
import type { ItemView } from './itemView';
import { toTreeItem } from './toTreeItem';
import { untrustedItem, warningItem } from './warnings/warningItem';

/** What a row of the Environments view stands for; commands receive it as their argument. */
export type TreeNode =
  | { kind: 'environment'; environment: Environment }
  | { kind: 'container'; environment: Environment; container: ContainerStatus }
  | { kind: 'backups'; environment: Environment }
  | { kind: 'backup'; environment: Environment; backup: BackupRecord }
  | { kind: 'warning'; view: ItemView };

/**
 * The Environments view: each environment, its containers, production's backups and
 * the warnings; redrawn when the model changes or a backup folder changes on disk.
 */
export class EnvironmentsTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private readonly backups = new Map<string, BackupRecord[]>();
  private watchers: vscode.Disposable[] = [];
  /** The folders watched now: every Docker status snapshot changes the model, and must not remake the watchers. */
  private watchedFolders = '';

  constructor(private readonly model: WorkspaceModel) {
    this.subscription = model.onDidChange(() => {
      this.watchBackupFolders();
      this.changed.fire(undefined);
    });
  }

  /** Production's environments: the ones whose backups the tree lists. */
  private static hasBackups(environment: Environment): boolean {
    return environment.isProduction && environment.database !== undefined;
  }

  private watchBackupFolders(): void {
    const folders = [...new Set(this.model.environments().filter(EnvironmentsTree.hasBackups).map((e) => e.backups.folder))].sort();
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
    this.changed.fire(undefined);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return toTreeItem(this.viewOf(node), node);
  }

  /** The plain data of a row (the extension-host tests read the tree through this). */
  viewOf(node: TreeNode): ItemView {
    switch (node.kind) {
      case 'environment':
        return environmentItem(node.environment, this.model.statusOf(node.environment.name), this.model.lastDeployOf(node.environment.name));
      case 'container':
        return containerItem(node.environment.name, node.container);
      case 'backups':
        return backupsGroupItem(node.environment.name, this.backups.get(node.environment.name));
      case 'backup':
        return backupItem(node.environment.name, node.backup);
      case 'warning':
        return node.view;
    }
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.roots();
    if (node.kind === 'backups') {
      return (this.backups.get(node.environment.name) ?? []).map((backup): TreeNode => ({ kind: 'backup', environment: node.environment, backup }));
    }
    if (node.kind !== 'environment') return [];
    const { environment } = node;
    const containers = (this.model.statusOf(environment.name)?.containers ?? []).map((container): TreeNode => ({ kind: 'container', environment, container }));
    if (!EnvironmentsTree.hasBackups(environment)) return containers;
    const engine = await loadEngine();
    try {
      this.backups.set(environment.name, engine.listBackups(environment.backups.folder));
    } catch (error) {
      this.backups.delete(environment.name);
      this.model.logProblem(`Cannot list the backups in ${environment.backups.folder}`, error);
    }
    return [...containers, { kind: 'backups', environment }];
  }

  private roots(): TreeNode[] {
    // outside `ready` the tree is empty, so that the view's welcome content explains why
    if (this.model.state !== 'ready') return [];
    const trust: TreeNode[] = vscode.workspace.isTrusted ? [] : [{ kind: 'warning', view: untrustedItem() }];
    const environments = this.model.environments().map((environment): TreeNode => ({ kind: 'environment', environment }));
    const warnings = this.model.findings.map((finding, index): TreeNode => ({ kind: 'warning', view: warningItem(finding, index) }));
    return [...trust, ...environments, ...warnings];
  }

  dispose(): void {
    for (const watcher of this.watchers) watcher.dispose();
    this.subscription.dispose();
    this.changed.dispose();
  }
}
