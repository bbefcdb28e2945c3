// A tree item as plain data. Each item module maps a model object to one of these;
// toTreeItem.ts turns it into a vscode.TreeItem. Pure: unit-tested under Node.

export interface IconView {
  /** A codicon id (`pass-filled`, `loading~spin`). */
  id: string;
  /** A theme color id (`charts.green`). */
  color?: string;
}

/** What Enter (or a click) on a row does: never something that changes an environment or deletes. */
export interface DefaultAction {
  /** A command id; it receives the row's node as its argument. */
  command: string;
  /** Read by screen readers. */
  title: string;
}

export interface ItemView {
  /** Stable across refreshes, so VS Code keeps expansion and selection. */
  id: string;
  label: string;
  description?: string;
  icon: IconView;
  /** Markdown: plain sentences, one per line, so that a screen reader reads them as they are. */
  tooltip?: string;
  /** What package.json's menus match with `viewItem`; every value has a context menu (Shift+F10). */
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
  /** None on rows that expand: there Enter expands or collapses. */
  defaultAction?: DefaultAction;
}
