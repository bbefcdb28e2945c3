// Cancel pressed on a production deploy's progress once production is being
// replaced: VS Code closes that notification, so the deploy must say in a progress
// of its own, which cannot be cancelled, that it is finishing, and then finish.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { servicesOf, startRig, waitHealthy, type Rig } from '../rig';
import { makeTempProject, type TempProject } from '../support/tempProject';
import { Workbench } from './workbench';

const BACKEND_DOCKERFILE = 'examples/wms/backend/Dockerfile';

describe('production deploy cancelled past the point of no return', () => {
  let rig: Rig;
  let project: TempProject;
  let workbench: Workbench;

  before(async () => {
    rig = await startRig(['staging', 'production']);
    project = makeTempProject('stable/prisma-mysql-e2e-cancel');
    // a backend that takes a while to start: the health gate, past the point of no return, lasts long enough to click Cancel in
    const dockerfile = project.read(BACKEND_DOCKERFILE);
    project.write(BACKEND_DOCKERFILE, dockerfile.replace('CMD ["node", "server.js"]', 'CMD ["sh", "-c", "sleep 12 && exec node server.js"]'));
    project.git('commit', '--quiet', '--all', '--message', 'a backend that starts slowly');
    workbench = await Workbench.open(project.dir);
    await workbench.badge('Production is healthy').waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await workbench?.close();
    project?.remove();
    if (rig) await waitHealthy(rig.docker, servicesOf('production'));
  });

  it('shows "cannot stop now" in a progress that has no Cancel, and the deploy completes', async () => {
    await workbench.runCommand('Dual Env: Deploy to Production');
    const dialog = await workbench.dialog();
    await dialog.getByRole('button', { name: 'Deploy to Production', exact: true }).click();
    const progress = workbench.notification('Deploy to Production').filter({ hasText: /to be healthy/ });
    await progress.waitFor({ timeout: 300_000 });
    await progress.getByRole('button', { name: 'Cancel' }).click();

    const finishing = workbench.notification('Deploy to Production (cannot stop now)');
    await finishing.waitFor({ timeout: 30_000 });
    assert.match(await finishing.innerText(), /Cannot stop now, finishing step health/);
    assert.equal(await finishing.getByRole('button', { name: 'Cancel' }).count(), 0, 'the finishing progress offers no Cancel');
    await workbench.screenshot('deploy-production-cannot-stop.png');

    await workbench.notification(/Deployed [0-9a-f]{7} to Production/).waitFor({ timeout: 300_000 });
    await finishing.waitFor({ state: 'detached', timeout: 30_000 });
    await workbench.badge('Production is healthy').waitFor({ timeout: 60_000 });
  });
});
