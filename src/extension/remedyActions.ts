import * as vscode from 'vscode';
import type { Remedy } from '../core/common/remedies';
import { l10n } from './l10n';
import { backupTime } from './tree/backups/backupItem';

/** What a remedy's button (or a status-bar badge) passes to the command it runs: the environment by name, and the remedy's facts. */
export interface RemedyRequest {
  environmentName: string;
  /** The workspace folder's key (its URI), when the failure's folder is known: the command then does not ask which. */
  folder?: string;
  backupId?: string;
  service?: string;
  variable?: string;
  /** Deploy to Production: ask for a commit message for the uncommitted changes. */
  askMessage?: boolean;
}

/** The request a command got from a remedy's button, if that is what it got. */
export function remedyRequest(arg: unknown): RemedyRequest | undefined {
  return typeof (arg as RemedyRequest | undefined)?.environmentName === 'string' ? arg as RemedyRequest : undefined;
}

/** A button on a failure notification and what it does. */
export interface FailureAction {
  title: string;
  run(): unknown;
}

/**
 * Each remedy an error carries as a button that does it: the VS Code face of
 * what the CLI prints as a command. Each runs the command a person would pick,
 * so it asks and confirms exactly as that command does; `folder` is the workspace
 * folder it failed in, so that the remedy acts there again.
 */
export function remedyActions(remedies: readonly Remedy[], folder?: string): FailureAction[] {
  const rollbacks = remedies.filter((r) => r.kind === 'rollback').length;
  return remedies.map((remedy): FailureAction => {
    switch (remedy.kind) {
      case 'rollback': return {
        // two ways back (the rollback again, or the safety backup) need their backups named
        title: rollbacks > 1 ? l10n.t('Roll Back to {0}', backupTime(remedy.backupId)) : l10n.t('Roll Back'),
        run: () => vscode.commands.executeCommand('dualEnv.rollbackProduction', { environmentName: remedy.environment, folder, backupId: remedy.backupId }),
      };
      case 'showLogs': return {
        title: l10n.t('Show Logs'),
        run: () => vscode.commands.executeCommand('dualEnv.showLogs', { environmentName: remedy.environment, folder, service: remedy.service }),
      };
      case 'deployStaging': return { title: l10n.t('Deploy to Staging'), run: () => vscode.commands.executeCommand('dualEnv.deployStaging', { environmentName: remedy.environment, folder }) };
      case 'deployWithMessage': return { title: l10n.t('Commit and Deploy…'), run: () => vscode.commands.executeCommand('dualEnv.deployProduction', { environmentName: remedy.environment, folder, askMessage: true }) };
      case 'setDatabasePassword': return {
        title: l10n.t('Set Database Password'),
        run: () => vscode.commands.executeCommand('dualEnv.setDatabasePassword', { environmentName: remedy.environment, folder, variable: remedy.variable }),
      };
      case 'listBackups': return { title: l10n.t('Show Backups'), run: () => vscode.commands.executeCommand('dualEnv.environments.focus') };
      case 'unlock': return { title: l10n.t('Remove Lock…'), run: () => vscode.commands.executeCommand('dualEnv.unlock', { environmentName: remedy.environment, folder }) };
    }
  });
}
