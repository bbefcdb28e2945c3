// A tree item as plain data. Each item module maps a model object to one of these;
// toTreeItem.ts turns it into a vscode.TreeItem. Pure: unit-tested under Node.

export interface IconView {
  /** A codicon id (`pass-filled`, `loading~spin`). */
  id: string;
  /** A theme color id (`charts.green`). */
  color?: string;
}

export interface ItemView {
  /** Stable across refreshes, so VS Code keeps expansion and selection. */
  id: string;
  label: string;
  description?: string;
  icon: IconView;
  /** Markdown. */
  tooltip?: string;
  /** What package.json's menus match with `viewItem`. */
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
}
