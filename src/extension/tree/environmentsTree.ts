import path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_COMPOSE_FILE, errorMessage, loadConfig, type DualEnvConfig, type Environment } from '../coreApi';

type Node = { kind: 'environment'; environment: Environment } | { kind: 'service'; name: string } | { kind: 'problem'; message: string };

/** The Environments view: each environment of the workspace's compose file and its services. */
export class EnvironmentsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'environment') {
      const item = new vscode.TreeItem(node.environment.label, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon(node.environment.isProduction ? 'rocket' : 'beaker');
      item.contextValue = `environment.${node.environment.isProduction ? 'production' : 'staging'}`;
      item.description = node.environment.url;
      return item;
    }
    if (node.kind === 'service') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('package');
      item.contextValue = 'container';
      return item;
    }
    const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    return item;
  }

  getChildren(node?: Node): Node[] {
    if (node?.kind === 'environment') return node.environment.services.map((name) => ({ kind: 'service', name }));
    if (node) return [];
    const config = this.load();
    if (typeof config === 'string') return [{ kind: 'problem', message: config }];
    return config.environments.map((environment) => ({ kind: 'environment', environment }));
  }

  private load(): DualEnvConfig | string {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return 'Open a folder that holds docker-compose-dual-env.yml.';
    const file = vscode.workspace.getConfiguration('dualEnv').get<string>('composeFile') || DEFAULT_COMPOSE_FILE;
    try {
      return loadConfig(path.resolve(folder.uri.fsPath, file));
    } catch (error) {
      return errorMessage(error);
    }
  }
}
