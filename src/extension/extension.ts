import * as vscode from 'vscode';
import { EnvironmentsTree } from './tree/environmentsTree';

/** Wires the extension together; the work happens in src/core, reached lazily. */
export function activate(context: vscode.ExtensionContext): void {
  const tree = new EnvironmentsTree();
  context.subscriptions.push(
    tree,
    vscode.window.registerTreeDataProvider('dualEnv.environments', tree),
    vscode.commands.registerCommand('dualEnv.refresh', () => tree.refresh()),
  );
}

export function deactivate(): void {
  // every disposable is in context.subscriptions
}
