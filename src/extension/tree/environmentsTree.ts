import * as vscode from 'vscode';
import type { Environment } from '../../core/config/model';
import type { ContainerStatus } from '../model';
import type { WorkspaceModel } from '../workspaceModel';
import { containerItem } from './containers/containerItem';
import { environmentItem } from './environments/environmentItem';
import type { ItemView } from './itemView';
import { toTreeItem } from './toTreeItem';
import { untrustedItem, warningItem } from './warnings/warningItem';

/** What a row of the Environments view stands for; commands receive it as their argument. */
export type TreeNode =
  | { kind: 'environment'; environment: Environment }
  | { kind: 'container'; environment: Environment; container: ContainerStatus }
  | { kind: 'warning'; view: ItemView };

/** The Environments view: each environment, its containers, and the warnings; redrawn when the model changes. */
export class EnvironmentsTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly model: WorkspaceModel) {
    this.subscription = model.onDidChange(() => this.changed.fire(undefined));
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return toTreeItem(this.viewOf(node));
  }

  /** The plain data of a row (the extension-host tests read the tree through this). */
  viewOf(node: TreeNode): ItemView {
    switch (node.kind) {
      case 'environment':
        return environmentItem(node.environment, this.model.statusOf(node.environment.name), undefined);
      case 'container':
        return containerItem(node.environment.name, node.container);
      case 'warning':
        return node.view;
    }
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) return this.roots();
    if (node.kind !== 'environment') return [];
    const containers = this.model.statusOf(node.environment.name)?.containers ?? [];
    return containers.map((container) => ({ kind: 'container', environment: node.environment, container }));
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
    this.subscription.dispose();
    this.changed.dispose();
  }
}
