import * as vscode from 'vscode';
import { l10n } from '../l10n';
import type { WorkspaceModel } from '../workspaceModel';
import { badgeOf, type BadgeView } from './badge';

/** One status-bar item per environment, redrawn from the model; a click offers the environment's actions. */
export class StatusBadges implements vscode.Disposable {
  private readonly items = new Map<string, vscode.StatusBarItem>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly model: WorkspaceModel) {
    this.subscription = model.onDidChange(() => this.update());
    this.update();
  }

  /** What each badge shows now, by environment (for the extension-host tests). */
  views(): Record<string, BadgeView> {
    return Object.fromEntries(this.model.environments().map((e) => [e.name, badgeOf(e, this.model.statusOf(e.name))]));
  }

  private update(): void {
    const environments = this.model.environments();
    for (const [name, item] of this.items) {
      if (!environments.some((e) => e.name === name)) {
        item.dispose();
        this.items.delete(name);
      }
    }
    environments.forEach((environment, index) => {
      let item = this.items.get(environment.name);
      if (!item) {
        // staging left of production, both near the left edge
        item = vscode.window.createStatusBarItem(`dualEnv.badge.${environment.name}`, vscode.StatusBarAlignment.Left, 100 - index);
        item.name = l10n.t('Dual Env: {0}', environment.label);
        this.items.set(environment.name, item);
      }
      const badge = badgeOf(environment, this.model.statusOf(environment.name));
      item.text = badge.text;
      item.accessibilityInformation = { label: badge.ariaLabel };
      item.backgroundColor = badge.backgroundColor ? new vscode.ThemeColor(badge.backgroundColor) : undefined;
      item.tooltip = new vscode.MarkdownString(badge.tooltip, true);
      item.command = { title: l10n.t('Actions on {0}', environment.label), command: 'dualEnv.environmentActions', arguments: [environment.name] };
      item.show();
    });
  }

  dispose(): void {
    this.subscription.dispose();
    for (const item of this.items.values()) item.dispose();
  }
}
