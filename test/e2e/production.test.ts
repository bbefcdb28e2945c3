// Deploy and roll back production from a real VS Code, on the rig: the workspace is a
// temp git copy of the project on a stable/ branch (its .env drives the rig's own
// containers), so the core's branch policy and git tagging run for real.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { projectContainers, servicesOf, startRig, waitHealthy, type Rig } from '../rig';
import { makeTempProject, type TempProject } from '../support/tempProject';
import { Workbench } from './workbench';

const DEPLOY_TIMEOUT = { timeout: 300_000 };
const BACKEND_DOCKERFILE = 'examples/wms/backend/Dockerfile';

describe('production from VS Code: modal deploy and right-click rollback', () => {
  let rig: Rig;
  let project: TempProject;
  let workbench: Workbench;
  let backupFolder: string;

  /** SQL in production's database (or staging's) as the app's own user. */
  async function query<T>(sql: string, params: unknown[] = [], environment: 'production' | 'staging' = 'production'): Promise<T[]> {
    const staging = environment === 'staging';
    const connection = await mysql.createConnection({
      host: '127.0.0.1',
      port: Number(staging ? rig.env.STAGING_DB_PORT : rig.env.PRODUCTION_DB_PORT),
      user: staging ? 'staging_user' : 'wms_user',
      password: staging ? rig.env.STAGING_DB_PASSWORD : rig.env.PRODUCTION_DB_PASSWORD,
      database: staging ? 'warehouse_wms_staging' : 'warehouse_wms',
    });
    try {
      return (await connection.query(sql, params))[0] as T[];
    } finally {
      await connection.end();
    }
  }

  const backupIds = () => (fs.existsSync(backupFolder) ? fs.readdirSync(backupFolder).filter((name) => /^\d{8}-\d{6}/.test(name)).sort() : []);

  /**
   * Back Up Production Now from the palette; the id of the backup it reports. An earlier
   * test's "written and verified" toast may still be up, so only a new id counts.
   */
  async function backUpNow(): Promise<string> {
    const before = backupIds();
    await workbench.runCommand('Dual Env: Back Up Production Now');
    const deadline = Date.now() + DEPLOY_TIMEOUT.timeout;
    let writtenSeen: number | undefined;
    for (;;) {
      const told = await workbench.notification(/of Production is written and verified/).allInnerTexts();
      const id = told.map((text) => /Backup (\d{8}-\d{6}(?:-\d+)?)/.exec(text)?.[1]).find((found) => found && !before.includes(found));
      if (id) {
        assert.ok(backupIds().includes(id), `backup ${id} is in ${backupFolder}`);
        return id;
      }
      // written, but no toast after a while: VS Code may have put the message in the center only
      const written = backupIds().filter((found) => !before.includes(found));
      if (written.length > 0 && Date.now() > (writtenSeen ??= Date.now()) + 10_000) {
        const listed = (await workbench.notificationCenterTexts()).map((text) => /Backup (\d{8}-\d{6}(?:-\d+)?) of Production is written and verified/.exec(text)?.[1]);
        const centered = listed.find((found) => found && written.includes(found));
        if (centered) return centered;
        writtenSeen = Date.now();
      }
      if (Date.now() > deadline) {
        // say what the workbench showed instead: an error notification, a quick pick left open
        const screenshot = await workbench.screenshot('backup-now-not-reported.png');
        const written = backupIds().filter((found) => !before.includes(found));
        throw new Error(`Back Up Production Now reported no new backup (backups written since: ${written.join(', ') || 'none'}); notifications: ${(await workbench.shownNotifications()).slice(0, 600)} (see ${screenshot}); the extension's log ends:\n${workbench.extensionLog()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** Production as seen from outside: containers with their images, the data, the backups. */
  async function productionSnapshot() {
    const containers = await projectContainers(rig.docker, servicesOf('production'));
    const rows = await query<{ code: string }>('SELECT code FROM warehouses ORDER BY code');
    return {
      containers: containers.map((c) => `${c.Labels['com.docker.compose.service']} ${c.Id} ${c.ImageID} ${c.State}`).sort(),
      rows: rows.map((r) => r.code),
      backups: backupIds(),
    };
  }

  before(async () => {
    rig = await startRig(['staging', 'production']);
    project = makeTempProject('stable/prisma-mysql-e2e');
    backupFolder = path.join(project.dir, 'backups', 'production');
    workbench = await Workbench.open(project.dir);
    await workbench.badge('Production is healthy').waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await workbench?.close();
    project?.remove();
    if (rig) await waitHealthy(rig.docker, servicesOf('production'));
  });

  it('Deploy to Production: Cancel in the modal changes nothing', async () => {
    const before = await productionSnapshot();
    await workbench.runCommand('Dual Env: Deploy to Production');
    const dialog = await workbench.dialog();
    const text = await dialog.innerText();
    assert.match(text, /Deploy stable\/prisma-mysql-e2e @ [0-9a-f]{7} to Production\?/);
    assert.match(text, /backup/i);
    await workbench.screenshot('deploy-production-modal.png');
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    // the operation has ended once its progress notification is gone
    await workbench.notification('Deploy to Production').waitFor({ state: 'detached', timeout: 30_000 });
    assert.deepEqual(await productionSnapshot(), before);
  });

  it('Deploy to Production: confirming deploys, and a new verified backup appears under Backups', async () => {
    const before = backupIds();
    await workbench.runCommand('Dual Env: Deploy to Production');
    const dialog = await workbench.dialog();
    await dialog.getByRole('button', { name: 'Deploy to Production', exact: true }).click();
    await workbench.notification(/Deployed [0-9a-f]{7} to Production/).waitFor(DEPLOY_TIMEOUT);
    const created = backupIds().filter((id) => !before.includes(id));
    assert.equal(created.length, 1, `one new backup in ${backupFolder}`);
    const view = await workbench.environmentsView();
    const backups = workbench.treeItem(view, 'Backups');
    if ((await backups.getAttribute('aria-expanded')) !== 'true') await backups.click();
    const time = created[0].replace(/^(\d{4})(\d\d)(\d\d)-(\d\d)(\d\d)(\d\d)$/, '$1-$2-$3 $4:$5:$6');
    await view.getByRole('treeitem', { name: new RegExp(`^${time}, .* · verified$`) }).waitFor();
    await workbench.badge('Production is healthy').waitFor({ timeout: 60_000 });
    await workbench.screenshot('deploy-production-done.png');
  });

  it('right-click Roll Back to This Backup → modal → confirm removes a row written after the backup', async () => {
    // a backup of its own, so that this test does not depend on the deploy test before it
    const backupId = await backUpNow();
    const code = `E2E-${Date.now() % 1e9}`;
    await query('INSERT INTO warehouses (code, name, city) VALUES (?, ?, ?)', [code, 'written after the backup', 'Testville']);
    const view = await workbench.environmentsView();
    const time = backupId.replace(/^(\d{4})(\d\d)(\d\d)-(\d\d)(\d\d)(\d\d)$/, '$1-$2-$3 $4:$5:$6');
    await workbench.contextMenu(view.getByRole('treeitem', { name: new RegExp(`^${time}, `) }), 'Roll Back to This Backup');
    const dialog = await workbench.dialog();
    assert.match(await dialog.innerText(), new RegExp(`Roll Production back to backup ${time}\\?`));
    await dialog.getByRole('button', { name: 'Roll Back Production', exact: true }).click();
    await workbench.notification(new RegExp(`Production is back at backup ${backupId}`)).waitFor(DEPLOY_TIMEOUT);
    assert.deepEqual(await query('SELECT code FROM warehouses WHERE code = ?', [code]), []);
    await waitHealthy(rig.docker, servicesOf('production'));
    await workbench.badge('Production is healthy').waitFor({ timeout: 60_000 });
  });

  it('right-click Load This Backup into Staging → the real modal → confirm gives staging production\'s row, and keeps staging\'s own data as a backup', async () => {
    const code = `E2E-S${Date.now() % 1e9}`;
    await query('INSERT INTO warehouses (code, name, city) VALUES (?, ?, ?)', [code, 'in production\'s backup', 'Testville']);
    const backupId = await backUpNow();
    await query('DELETE FROM warehouses WHERE code = ?', [code]);
    const stagingFolder = path.join(project.dir, 'backups', 'staging');
    const stagingBefore = fs.existsSync(stagingFolder) ? fs.readdirSync(stagingFolder) : [];
    const productionBefore = await productionSnapshot();
    const view = await workbench.environmentsView();
    const time = backupId.replace(/^(\d{4})(\d\d)(\d\d)-(\d\d)(\d\d)(\d\d)$/, '$1-$2-$3 $4:$5:$6');
    await workbench.contextMenu(view.getByRole('treeitem', { name: new RegExp(`^${time}, `) }), 'Load This Backup into Staging');
    const dialog = await workbench.dialog();
    assert.match(await dialog.innerText(), new RegExp(`Replace Staging's database with backup ${time} of Production\\?[\\s\\S]*kept as a backup`));
    await dialog.getByRole('button', { name: 'Load into Staging', exact: true }).click();
    await workbench.notification(new RegExp(`Staging now holds backup ${backupId} of Production; what it held before is backup \\d{8}-\\d{6}`)).waitFor(DEPLOY_TIMEOUT);
    assert.deepEqual(await query('SELECT code FROM warehouses WHERE code = ?', [code], 'staging'), [{ code }], 'staging holds the row production had at the backup');
    const stagingAfter = fs.readdirSync(stagingFolder).filter((name) => /^\d{8}-\d{6}/.test(name) && !stagingBefore.includes(name));
    assert.equal(stagingAfter.length, 1, 'one safety backup of staging, in staging\'s folder');
    assert.deepEqual(await productionSnapshot(), productionBefore, 'production is untouched');
  });

  it('right-click Delete Backup → the real modal → confirm removes that backup and only it', async () => {
    const backupId = await backUpNow();
    const others = backupIds().filter((id) => id !== backupId);
    const view = await workbench.environmentsView();
    const time = backupId.replace(/^(\d{4})(\d\d)(\d\d)-(\d\d)(\d\d)(\d\d)$/, '$1-$2-$3 $4:$5:$6');
    const row = view.getByRole('treeitem', { name: new RegExp(`^${time}, `) });
    await workbench.contextMenu(row, 'Delete Backup');
    const dialog = await workbench.dialog();
    assert.match(await dialog.innerText(), new RegExp(`Delete backup ${time} of Production\\?[\\s\\S]*cannot be rolled back to it afterwards`));
    await dialog.getByRole('button', { name: 'Delete Backup', exact: true }).click();
    await row.waitFor({ state: 'detached', timeout: 30_000 });
    assert.deepEqual(backupIds(), others, 'that backup is gone and every other one is kept');
  });

  // last: it leaves production on a backend that starts slowly
  it('Cancel past the point of no return shows "cannot stop now" in a progress that has no Cancel, and the deploy completes', async () => {
    // VS Code closes a progress notification whose Cancel was pressed: the deploy must say, in a progress of its own, that it is finishing
    // a backend that takes a while to start: the health gate, past the point of no return, lasts long enough to click Cancel in
    project.write(BACKEND_DOCKERFILE, project.read(BACKEND_DOCKERFILE).replace('CMD ["node", "server.js"]', 'CMD ["sh", "-c", "sleep 12 && exec node server.js"]'));
    project.git('commit', '--quiet', '--all', '--message', 'a backend that starts slowly');
    await workbench.runCommand('Dual Env: Deploy to Production');
    const dialog = await workbench.dialog();
    await dialog.getByRole('button', { name: 'Deploy to Production', exact: true }).click();
    const progress = workbench.notification('Deploy to Production').filter({ hasText: /to be healthy/ });
    await progress.waitFor(DEPLOY_TIMEOUT);
    await progress.getByRole('button', { name: 'Cancel' }).click();

    const finishing = workbench.notification('Deploy to Production (cannot stop now)');
    await finishing.waitFor({ timeout: 30_000 });
    // the new backend's health gate is part of the start step, beside the running one
    assert.match(await finishing.innerText(), /Cannot stop now, finishing step start/);
    assert.equal(await finishing.getByRole('button', { name: 'Cancel' }).count(), 0, 'the finishing progress offers no Cancel');
    await workbench.screenshot('deploy-production-cannot-stop.png');

    await workbench.notification(/Deployed [0-9a-f]{7} to Production/).waitFor(DEPLOY_TIMEOUT);
    await finishing.waitFor({ state: 'detached', timeout: 30_000 });
    await workbench.badge('Production is healthy').waitFor({ timeout: 60_000 });
  });
});
