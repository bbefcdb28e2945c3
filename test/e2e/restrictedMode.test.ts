// In an untrusted workspace (restricted mode) Dual Env shows status only: the tree
// says why, and the commands that run Compose, git or a restore are not offered.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startRig } from '../rig';
import { makeTempProject, type TempProject } from '../support/tempProject';
import { Workbench } from './workbench';

describe('restricted mode', () => {
  let project: TempProject;
  let workbench: Workbench;

  before(async () => {
    await startRig(['staging', 'production']);
    project = makeTempProject('e2e/restricted-mode');
    workbench = await Workbench.open(project.dir, { workspaceTrust: true });
  });

  after(async () => {
    await workbench?.close();
    project?.remove();
  });

  it('shows the live status and the reason the actions are off', async () => {
    const view = await workbench.environmentsView();
    await workbench.treeItem(view, 'Restricted mode: status only').waitFor();
    await view.getByRole('treeitem', { name: /^Production, 4\/4 healthy/ }).waitFor({ timeout: 60_000 });
    await workbench.badge('Production is healthy').waitFor();
    await workbench.screenshot('restricted-mode.png');
  });

  it('does not offer deploy, rollback, start/stop or backup in the palette, but does offer Show Logs', async () => {
    const offered = await workbench.paletteTitles('Dual Env:');
    assert.ok(offered.includes('Dual Env: Show Logs…'), offered.join(', '));
    for (const title of ['Dual Env: Deploy to Production', 'Dual Env: Deploy to Staging', 'Dual Env: Roll Back Production…', 'Dual Env: Stop Environment', 'Dual Env: Back Up Production Now']) {
      assert.ok(!offered.includes(title), `${title} is offered in restricted mode`);
    }
  });

  it('the status-bar badge offers only what runs in Restricted Mode', async () => {
    await workbench.badge('Production is healthy').click();
    const offered = await workbench.quickPickLabels();
    await workbench.page.keyboard.press('Escape');
    assert.ok(offered.includes('Show Logs…'), offered.join(', '));
    for (const label of ['Deploy to Production', 'Roll Back Production…', 'Back Up Production Now', 'Restart', 'Stop', 'Start', 'Open Database Shell']) {
      assert.ok(!offered.includes(label), `${label} is offered in Restricted Mode: ${offered.join(', ')}`);
    }
  });
});

