import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DualEnvApi } from '../../../src/extension/extension';
import type { UserInput } from '../../../src/extension/userInput';
import type { ProjectModel } from '../../../src/extension/workspace/projectModel';

/** The activated extension's context (what activate() returns). */
export async function dualEnv(): Promise<DualEnvApi> {
  const extension = vscode.extensions.getExtension<DualEnvApi>('dual-env.dual-env');
  assert.ok(extension, 'the extension dual-env.dual-env is not loaded in this host');
  const api = await extension.activate();
  // activation returns before the compose file is read (that needs the engine); the tests start from a read workspace
  await api.model.loaded;
  return api;
}

/** Runs `body` with the extension's questions answered by `input`, then restores the real prompts. */
export async function withUserInput<T>(api: DualEnvApi, input: UserInput, body: () => Promise<T>): Promise<T> {
  const real = api.userInput;
  api.userInput = input;
  try {
    return await body();
  } finally {
    api.userInput = real;
  }
}

/** Waits for the model to satisfy `ready`, re-checking on each change. */
export async function until(api: DualEnvApi, ready: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  if (ready()) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { subscription.dispose(); reject(new Error(`timed out waiting for ${what}`)); }, timeoutMs);
    const subscription = api.model.onDidChange(() => {
      if (!ready()) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    });
  });
}

/**
 * The project of the folder the host opened first: the rig's temp project, which every
 * suite but the multi-root one acts on. Named explicitly, because the extension itself
 * never takes the first folder for granted.
 */
export function project(api: DualEnvApi): ProjectModel {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the host has no workspace folder open');
  const found = api.model.projectByKey(folder.uri.toString());
  assert.ok(found, `no project for ${folder.uri.fsPath}`);
  return found;
}
