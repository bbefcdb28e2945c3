import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TreeNode } from '../../../src/extension/tree/environmentsTree';
import { dualEnv, until, withUserInput, project } from './api';
import { ScriptedUserInput } from './scriptedUserInput';

/** The next terminal opened while `body` runs. */
async function terminalOpenedBy(body: () => Thenable<unknown>): Promise<vscode.Terminal> {
  let subscription: vscode.Disposable | undefined;
  const opened = new Promise<vscode.Terminal>((resolve) => { subscription = vscode.window.onDidOpenTerminal(resolve); });
  try {
    await body();
    return await opened;
  } finally {
    subscription?.dispose();
  }
}

/** How the terminal's process ended, after `text` was typed into it. */
async function exitAfterTyping(terminal: vscode.Terminal, text: string): Promise<number | undefined> {
  let subscription: vscode.Disposable | undefined;
  const closed = new Promise<vscode.TerminalExitStatus | undefined>((resolve) => {
    subscription = vscode.window.onDidCloseTerminal((t) => { if (t === terminal) resolve(t.exitStatus); });
  });
  terminal.sendText(text);
  try {
    return (await closed)?.code;
  } finally {
    subscription?.dispose();
  }
}

suite('shells', () => {
  test('Open Database Shell runs the client in staging\'s database container, the password only in the terminal\'s environment', async function () {
    this.timeout(60_000);
    const api = await dualEnv();
    await until(api, () => project(api).statusOf('staging')?.health === 'healthy', 'staging to be healthy');
    const staging = project(api).environments().find((e) => e.name === 'staging');
    const password = staging?.database && project(api).config?.variables[staging.database.passwordVariable];
    assert.ok(staging?.database && password, 'staging has a database with a password in .env');
    const database = project(api).statusOf('staging')?.containers.find((c) => c.service === staging.database?.service);
    assert.ok(database?.name);

    const input = new ScriptedUserInput([]);
    const terminal = await terminalOpenedBy(() => withUserInput(api, input, async () => { await vscode.commands.executeCommand('dualEnv.openDatabaseShell', 'staging'); }));
    input.assertDone();
    const options = terminal.creationOptions as vscode.TerminalOptions;
    assert.equal(terminal.name, 'Staging database');
    assert.equal(options.shellPath, 'docker');
    const args = Array.isArray(options.shellArgs) ? options.shellArgs : [options.shellArgs ?? ''];
    assert.ok(args.includes(database.name), `not on ${database.name}: ${args.join(' ')}`);
    assert.ok(args.every((arg) => !arg.includes(password)), 'the password is in the terminal\'s arguments');
    assert.equal(options.env?.MYSQL_PWD, password);
    // a client that could not log in ends at once with 1; this one waits for SQL, and "exit" ends it with 0
    assert.equal(await exitAfterTyping(terminal, 'exit'), 0);
  });

  test('Attach Shell opens a shell in the container of the row it was invoked on', async function () {
    this.timeout(60_000);
    const api = await dualEnv();
    await until(api, () => project(api).statusOf('staging')?.health === 'healthy', 'staging to be healthy');
    const staging = project(api).environments().find((e) => e.name === 'staging');
    const backend = project(api).statusOf('staging')?.containers.find((c) => c.service === 'staging-backend');
    assert.ok(staging && backend?.name && backend.containerId);
    const node: TreeNode = { kind: 'container', project: project(api), environment: staging, container: backend };

    const terminal = await terminalOpenedBy(() => vscode.commands.executeCommand('dualEnv.attachShell', node));
    const options = terminal.creationOptions as vscode.TerminalOptions;
    assert.equal(terminal.name, 'staging-backend shell');
    assert.ok(options.shellArgs?.includes(backend.name), `not on ${backend.name}: ${String(options.shellArgs)}`);
    assert.equal(options.env?.MYSQL_PWD, undefined);
    // the exit code says whether the shell runs in that very container (its hostname is the id's start)
    assert.equal(await exitAfterTyping(terminal, `test "$(hostname)" = "${backend.containerId.slice(0, 12)}" && exit 7 || exit 9`), 7);
  });
});
