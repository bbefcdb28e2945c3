import * as vscode from 'vscode';
import type { ItemView } from './itemView';

const COLLAPSIBLE = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
} as const;

/** The one place an item's plain data becomes a vscode.TreeItem; `node` is what its default action receives. */
export function toTreeItem(view: ItemView, node?: unknown): vscode.TreeItem {
  const item = new vscode.TreeItem(view.label, COLLAPSIBLE[view.collapsible]);
  item.id = view.id;
  item.description = view.description;
  item.iconPath = new vscode.ThemeIcon(view.icon.id, view.icon.color ? new vscode.ThemeColor(view.icon.color) : undefined);
  item.tooltip = view.tooltip ? new vscode.MarkdownString(view.tooltip) : undefined;
  item.contextValue = view.contextValue;
  if (view.defaultAction) item.command = { ...view.defaultAction, arguments: [node] };
  // screen readers (and the e2e tests) read the row as label and description, not the markdown tooltip
  item.accessibilityInformation = { label: [view.label, view.description].filter(Boolean).join(', ') };
  return item;
}
