import * as vscode from 'vscode';
import type { Environment } from '../../core/config/model';
import { l10n } from '../l10n';
import type { RemedyRequest } from '../remedyActions';
import { labelInGroup } from '../workspace/folderGroups';
import type { ProjectModel } from '../workspace/projectModel';
import type { WorkspaceModel } from '../workspaceModel';
import { badgeOf, type BadgeView } from './badge';

interface Badge {
  /** The status-bar item's id: what VS Code remembers a hidden item by. */
  id: string;
  /** What views() names it by: the environment's name, prefixed with its folder's when there are several. */
  key: string;
  /** The environment's label, with its folder's when there are several. */
  label: string;
  project: ProjectModel;
  environment: Environment;
  view: BadgeView;
}

/**
 * One status-bar item per environment of each folder that holds a compose file, redrawn
 * from the model; a click offers the environment's actions. With several such folders
 * each badge names its folder: production's health in every project stays visible at a
 * glance, and each item has its own id and name, so that the status bar's own menu can
 * hide any one of them.
 */
export class StatusBadges implements vscode.Disposable {
  private readonly items = new Map<string, vscode.StatusBarItem>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly model: WorkspaceModel) {
    this.subscription = model.onDidChange(() => this.update());
    this.update();
  }

  /** What each badge shows now, by environment (`folder/environment` when several folders have one), for the extension-host tests. */
  views(): Record<string, BadgeView> {
    return Object.fromEntries(this.badges().map((badge) => [badge.key, badge.view]));
  }

  private badges(): Badge[] {
    const groups = this.model.projects();
    const several = groups.length > 1;
    return groups.flatMap((project) => project.environments().map((environment): Badge => ({
      // by the folder's URI: two folders may have the same name
      id: several ? `dualEnv.badge.${project.key}.${environment.name}` : `dualEnv.badge.${environment.name}`,
      key: several ? `${project.name}/${environment.name}` : environment.name,
      label: labelInGroup(environment.label, project.name, groups.length),
      project,
      environment,
      view: badgeOf(environment, project.statusOf(environment.name), several ? project.name : undefined),
    })));
  }

  private update(): void {
    const badges = this.badges();
    for (const [id, item] of this.items) {
      if (badges.some((badge) => badge.id === id)) continue;
      item.dispose();
      this.items.delete(id);
    }
    badges.forEach(({ id, label, project, environment, view }, index) => {
      let item = this.items.get(id);
      if (!item) {
        // in the folders' order, staging left of production, all near the left edge
        item = vscode.window.createStatusBarItem(id, vscode.StatusBarAlignment.Left, 100 - index);
        this.items.set(id, item);
      }
      item.name = l10n.t('Dual Env: {0}', label);
      item.text = view.text;
      item.accessibilityInformation = { label: view.ariaLabel };
      item.backgroundColor = view.backgroundColor ? new vscode.ThemeColor(view.backgroundColor) : undefined;
      item.tooltip = new vscode.MarkdownString(view.tooltip, true);
      const request: RemedyRequest = { environmentName: environment.name, folder: project.key };
      item.command = { title: l10n.t('Actions on {0}', label), command: 'dualEnv.environmentActions', arguments: [request] };
      item.show();
    });
  }

  dispose(): void {
    this.subscription.dispose();
    for (const item of this.items.values()) item.dispose();
  }
}
