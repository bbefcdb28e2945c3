// The packaged extension in a real VS Code: the activity bar opens the Environments
// view, which lists the reference compose file's two environments.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startRig } from '../rig';
import { Workbench } from './workbench';

describe('Environments view in VS Code', () => {
  let workbench: Workbench;

  before(async () => {
    await startRig(['staging', 'production']);
    workbench = await Workbench.open();
  });

  after(async () => {
    await workbench?.screenshot('environments-view.png');
    await workbench?.close();
  });

  it('shows Staging and Production under the Dual Env activity-bar icon', async () => {
    const view = await workbench.environmentsView();
    await workbench.treeItem(view, 'Staging').waitFor();
    await workbench.treeItem(view, 'Production').waitFor();
    const environments = (await workbench.rowNames(view, 1)).filter((name) => /^(Staging|Production),/.test(name));
    assert.deepEqual(environments.map((name) => name.split(',')[0]), ['Staging', 'Production']);
  });

  it('shows a badge per environment in the status bar', async () => {
    assert.match(await workbench.statusBarItem('Staging').innerText(), /Staging/);
    assert.match(await workbench.statusBarItem('Production').innerText(), /Production/);
  });
});
