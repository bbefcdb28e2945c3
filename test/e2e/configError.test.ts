// A compose file that cannot be used: the Environments view says why in its message
// (TreeView.message), not in a welcome text that points at the log, and offers the file.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTempProject, type TempProject } from '../support/tempProject';
import { Workbench } from './workbench';

describe('Environments view of a compose file that cannot be used', () => {
  let project: TempProject;
  let workbench: Workbench;

  before(async () => {
    project = makeTempProject('e2e/config-error');
    const compose = project.read('docker-compose-dual-env.yml');
    const broken = compose.replace('services: [staging-frontend, staging-backend, staging-database]', 'services: [staging-frontend, staging-nowhere]');
    assert.notEqual(broken, compose, 'the reference compose file no longer lists staging\'s services this way');
    project.write('docker-compose-dual-env.yml', broken);
    workbench = await Workbench.open(project.dir, { environments: false });
  });

  after(async () => {
    await workbench?.close();
    project?.remove();
  });

  it('shows the configuration error as the view\'s message, with Open Compose File in the title bar', async () => {
    const view = await workbench.environmentsView();
    const message = view.locator('.message').filter({ hasText: 'The compose file cannot be used' });
    await message.waitFor({ timeout: 60_000 });
    assert.match(await message.innerText(), /environment `staging` names service `staging-nowhere`, which the compose file does not define/);
    await workbench.screenshot('config-error-message.png');

    // the only view of its container: its title actions are in the side bar's title
    await workbench.page.locator('.part.sidebar').getByRole('button', { name: 'Open Compose File' }).click();
    await workbench.page.locator('.tabs-container .tab', { hasText: 'docker-compose-dual-env.yml' }).waitFor();
  });
});
