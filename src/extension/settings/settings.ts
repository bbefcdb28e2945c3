import * as vscode from 'vscode';
import { DEFAULT_SETTINGS, type DualEnvSettings } from './applySettings';
import { wholeNumberSetting } from './settingValues';

/** The dualEnv.* settings of a workspace folder; `warn` hears of each value that was ignored. */
export function readSettings(scope?: vscode.Uri, warn: (message: string) => void = () => undefined): DualEnvSettings {
  const section = vscode.workspace.getConfiguration('dualEnv', scope);
  const count = (name: string) => {
    const { value, warning } = wholeNumberSetting(name, section.get<unknown>(name));
    if (warning) warn(warning);
    return value;
  };
  return {
    composeFile: section.get<string>('composeFile') || DEFAULT_SETTINGS.composeFile,
    composeCommand: section.get<DualEnvSettings['composeCommand']>('composeCommand') ?? DEFAULT_SETTINGS.composeCommand,
    healthTimeoutSeconds: count('healthTimeoutSeconds'),
    autoRollback: section.get<boolean>('autoRollback') ?? DEFAULT_SETTINGS.autoRollback,
    backupRetention: count('backupRetention'),
    dockerHost: section.get<Record<string, string>>('dockerHost') ?? {},
  };
}
