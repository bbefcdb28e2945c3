// Runs inside a real VS Code (test/swarm/extensionHost.test.ts opens it): the backups
// of a Swarm production whose database is a service pinned to dual-env-swarm-2, read
// through that node into the tree, and "Roll Back Production to This Backup" on one of
// them, its modal accepted. The driver deployed the project twice with the CLI (the
// backup recorded v1's image) and changed data after the backup; this suite adds the
// project as a second folder and closes it again; the driver checks the database, the
// stack and the history afterwards, from outside.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { addProjectFolder, productionBackups, removeProjectFolder } from '../../vscode/suite/addedProject';
import { dualEnv, withUserInput } from '../../vscode/suite/api';
import { ScriptedUserInput } from '../../vscode/suite/scriptedUserInput';

/** The folder's name in the workspace, and Production's label as the modal says it beside another folder. */
const FOLDER = 'swarm-database';
const PRODUCTION = `${FOLDER} · Production`;

/**
 * The project the driver deployed, its backup with v1's image, or why the driver could
 * not: the driver deploys it while this host starts, and writes the file the
 * DUAL_ENV_TEST_SWARM_DB_READY names once it is done.
 */
async function driverSetup(): Promise<{ dir: string; backupId: string; v1Image: string }> {
  const file = process.env.DUAL_ENV_TEST_SWARM_DB_READY;
  assert.ok(file, 'the driver named no file for its database project');
  const deadline = Date.now() + 420_000;
  while (!fs.existsSync(file)) {
    assert.ok(Date.now() < deadline, 'the driver never said its database project was ready');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const setup = JSON.parse(fs.readFileSync(file, 'utf8')) as { problem?: string; dir?: string; backupId?: string; v1Image?: string };
  if (setup.problem) assert.fail(setup.problem);
  const { dir, backupId, v1Image } = setup;
  assert.ok(dir && backupId && v1Image, `the driver's file names no project: ${JSON.stringify(setup)}`);
  return { dir, backupId, v1Image };
}

suite('backups of a Swarm production, and a rollback from one', () => {
  let added: vscode.Uri | undefined;

  suiteTeardown(async function () {
    this.timeout(90_000);
    await removeProjectFolder(added);
  });

  test('the tree lists the backups read through the database\'s node; Roll Back to This Backup names the backup and its images, and restores', async function () {
    this.timeout(540_000);
    const { dir, backupId, v1Image } = await driverSetup();
    const api = await dualEnv();
    const { uri, project } = await addProjectFolder(api, dir, FOLDER);
    added = uri;
    assert.ok(project.config!.environments.find((e) => e.isProduction)?.swarm, 'production runs on Swarm');

    const listed = await productionBackups(api, project);
    assert.deepEqual(listed.nodes.map((n) => n.backup.id), [backupId], `the tree lists ${backupId} alone, the first deploy having had no data to back up (${listed.group})`);
    const [row] = listed.nodes;
    const view = api.tree.viewOf(row);
    assert.equal(view.contextValue, 'backup.verified.onServer');
    // the backups volume on the engine of the node the database runs on, not on the manager
    assert.match(view.tooltip ?? '', new RegExp(`^On the server: volume dual-env-backups\\S+ on dual-env-swarm-2 \\(ssh://[^)]+\\):${backupId}$`, 'm'));
    assert.equal(row.backup.images?.web, v1Image, 'the backup recorded the image v1 ran');

    // a Cancel is not scripted here: planning the rollback again (the backup checked on the node) would add half a minute for the Compose path's tested branch
    const input = new ScriptedUserInput([{ confirm: `Roll Back ${PRODUCTION}` }]);
    await withUserInput(api, input, async () => { await vscode.commands.executeCommand('dualEnv.rollbackToBackup', row); });
    input.assertDone();
    // one question and nothing else: a failure would have asked for its error to be shown
    assert.deepEqual(input.asked, [`confirm: Roll ${PRODUCTION} back to backup ${view.label}?`]);
    const [detail] = input.details;
    assert.match(detail, new RegExp(`^Roll Production back to backup ${backupId} \\(taken `));
    assert.match(detail, /what was written since that backup leaves the live database, and everything production held up to the swap is kept as a safety backup/);
    assert.ok(detail.includes(`Images brought back: web ${v1Image}.`), detail);
  });
});
