import * as vscode from 'vscode';
import { DEFAULT_SETTINGS, type DualEnvSettings } from './applySettings';

/** The dualEnv.* settings of a workspace folder. */
export function readSettings(scope?: vscode.Uri): DualEnvSettings {
  const section = vscode.workspace.getConfiguration('dualEnv', scope);
  const positive = (value: number | null | undefined) => (typeof value === 'number' && value > 0 ? value : undefined);
  return {
    composeFile: section.get<string>('composeFile') || DEFAULT_SETTINGS.composeFile,
    composeCommand: section.get<DualEnvSettings['composeCommand']>('composeCommand') ?? DEFAULT_SETTINGS.composeCommand,
    healthTimeoutSeconds: positive(section.get<number | null>('healthTimeoutSeconds')),
    autoRollback: section.get<boolean>('autoRollback') ?? DEFAULT_SETTINGS.autoRollback,
    backupRetention: positive(section.get<number | null>('backupRetention')),
    dockerHost: section.get<Record<string, string>>('dockerHost') ?? {},
  };
}
