import * as vscode from 'vscode';

/**
 * Every question the extension asks goes through here, so that the extension-host
 * tests can answer from a script (as vscode-azuretools' TestUserInput does) while
 * people get the real quick pick, input box and modal dialog.
 */
export interface UserInput {
  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: { title: string; placeHolder?: string }): Promise<T | undefined>;
  input(options: { title: string; prompt: string; password?: boolean }): Promise<string | undefined>;
  /** A modal warning; true only when the button named `confirm` was pressed (never a bare "OK"). */
  confirm(message: string, options: { detail: string; confirm: string }): Promise<boolean>;
  /** An error notification with action buttons; the title of the one pressed. */
  error(message: string, actions: readonly string[]): Promise<string | undefined>;
}

export const windowUserInput: UserInput = {
  pick: async (items, options) => vscode.window.showQuickPick(items, { ...options, ignoreFocusOut: true }),
  input: async (options) => vscode.window.showInputBox({ ...options, ignoreFocusOut: true }),
  confirm: async (message, options) => (await vscode.window.showWarningMessage(message, { modal: true, detail: options.detail }, options.confirm)) === options.confirm,
  error: async (message, actions) => vscode.window.showErrorMessage(message, ...actions),
};
