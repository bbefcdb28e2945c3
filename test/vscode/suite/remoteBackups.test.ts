// A production on a server keeps its backups in a volume there: the tree lists those
// (not the folder on this machine), and Verify and Delete act on them there. The driver
// made the project (its database on the rig's remote server) and one backup in the volume;
// this suite opens the project as a third folder and closes it again.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { addProjectFolder, productionBackups, removeProjectFolder } from './addedProject';
import { dualEnv, withUserInput } from './api';
import { ScriptedUserInput } from './scriptedUserInput';

/** The project the driver made, its backup on the server, or why the driver could not. */
function remoteSetup(): { dir: string; backupId: string } {
  const problem = process.env.DUAL_ENV_TEST_REMOTE_PROBLEM;
  if (problem) assert.fail(`the driver could not prepare the remote server: ${problem}`);
  const dir = process.env.DUAL_ENV_TEST_REMOTE_PROJECT;
  const backupId = process.env.DUAL_ENV_TEST_REMOTE_BACKUP;
  assert.ok(dir && backupId, 'the driver named no remote project');
  return { dir, backupId };
}

suite('backups of a production on a server', () => {
  let added: vscode.Uri | undefined;

  suiteTeardown(async function () {
    this.timeout(90_000);
    // the suites after this one run with one project again: a palette command must not ask which folder
    await removeProjectFolder(added);
  });

  test('the tree lists the backups in the server\'s volume; Verify and Delete act on them there', async function () {
    this.timeout(300_000);
    const { dir, backupId } = remoteSetup();
    const api = await dualEnv();
    const { uri, project } = await addProjectFolder(api, dir, 'remote-project');
    added = uri;
    const production = project.config!.environments.find((e) => e.isProduction)!;
    assert.match(production.dockerHost ?? '', /^ssh:\/\//);

    const before = await productionBackups(api, project);
    const listed = before.nodes.find((n) => n.backup.id === backupId);
    assert.ok(listed, `the tree lists ${backupId}, the backup in the server's volume; it shows ${before.nodes.map((n) => n.backup.id).join(', ') || 'none'} (${before.group})`);
    assert.equal(fs.existsSync(path.join(production.backups.folder, backupId)), false, 'the backup is not in the folder on this machine');
    const view = api.tree.viewOf(listed);
    assert.equal(view.contextValue, 'backup.verified.onServer');
    assert.match(view.tooltip ?? '', /^On the server: volume dual-env-backups\.\S+ on ssh:\/\//m);

    const quiet = new ScriptedUserInput([]);
    await withUserInput(api, quiet, async () => { await vscode.commands.executeCommand('dualEnv.verifyBackup', listed); });
    quiet.assertDone(); // verified on the server: no error was shown

    const confirm = new ScriptedUserInput([{ confirm: 'Delete Backup' }]);
    await withUserInput(api, confirm, async () => { await vscode.commands.executeCommand('dualEnv.deleteBackup', listed); });
    confirm.assertDone();
    assert.match(confirm.asked[0], /^confirm: Delete backup .* of Production\?$/);
    assert.match(confirm.details[0], /is removed from the server; nobody can roll production back to it afterwards\.$/);
    assert.ok(!(await productionBackups(api, project)).nodes.some((n) => n.backup.id === backupId), 'the deleted backup is no longer listed from the server');
  });
});
