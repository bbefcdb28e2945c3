// Staging from a real VS Code, on the rig: Cancel on a deploy's progress
// notification stops it and says so (not as an error), the finished deploy
// offers Open in Browser, and the palette's Open Environment in Browser opens
// the chosen environment's URL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { projectContainers, servicesOf, startRig, waitHealthy, type Rig } from '../rig';
import { makeTempProject, type TempProject } from '../support/tempProject';
import { Workbench } from './workbench';

const DEPLOY_TIMEOUT = { timeout: 300_000 };
const BACKEND_DOCKERFILE = 'examples/wms/backend/Dockerfile';

/** code-server opens a loopback address through its own port proxy (`<code-server>/proxy/<port>/`). */
function assertOpens(opened: string, address: string): void {
  const wanted = new URL(address);
  const port = wanted.port || '80';
  const url = new URL(opened);
  assert.ok(opened === wanted.href || (url.hostname === '127.0.0.1' && url.pathname === `/proxy/${port}${wanted.pathname}`), `${opened} is not ${wanted.href}`);
}

describe('staging from VS Code: cancel, deploy, open in browser', () => {
  let rig: Rig;
  let project: TempProject;
  let workbench: Workbench;
  let dockerfile: string;

  const stagingContainers = async () =>
    (await projectContainers(rig.docker, servicesOf('staging'))).map((c) => `${c.Labels['com.docker.compose.service']} ${c.Id} ${c.ImageID} ${c.State}`).sort();

  before(async () => {
    rig = await startRig(['staging', 'production']);
    project = makeTempProject('feature/e2e-browser');
    dockerfile = project.read(BACKEND_DOCKERFILE);
    workbench = await Workbench.open(project.dir);
    await workbench.badge('Staging is healthy').waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await workbench?.close();
    project?.remove();
    if (rig) await waitHealthy(rig.docker, servicesOf('staging'));
  });

  it('Cancel on the progress notification stops the deploy, says it was cancelled, and staging runs on', async () => {
    // a build step that takes long enough for the click to land while it runs
    project.write(BACKEND_DOCKERFILE, dockerfile.replace('RUN mkdir -p', 'RUN sleep 60 && mkdir -p'));
    const before = await stagingContainers();
    await workbench.runCommand('Dual Env: Deploy to Staging');
    const progress = workbench.notification('Deploy to Staging');
    await progress.waitFor({ timeout: 60_000 });
    await progress.getByRole('button', { name: 'Cancel' }).click();
    const told = workbench.notification(/cancel/i).filter({ hasNotText: 'Deploy to Staging' });
    await told.waitFor({ timeout: 60_000 });
    assert.equal(await told.locator('.codicon-error').count(), 0, 'a cancel is not shown as an error');
    await workbench.screenshot('deploy-staging-cancelled.png');
    assert.deepEqual(await stagingContainers(), before);
    await told.hover();
    await told.locator('.codicon-notifications-clear').click().catch(() => undefined);
  });

  it('a finished deploy offers Open in Browser, which opens the staging URL', async () => {
    project.write(BACKEND_DOCKERFILE, dockerfile);
    const before = await stagingContainers();
    await workbench.runCommand('Dual Env: Deploy to Staging');
    const done = workbench.notification(/Deployed .* to Staging\./);
    await done.waitFor(DEPLOY_TIMEOUT);
    assert.notDeepEqual(await stagingContainers(), before, 'the staging containers were recreated');
    const url = await workbench.openedUrl(() => done.getByRole('button', { name: 'Open in Browser' }).click());
    assertOpens(url, `http://127.0.0.1:${rig.env.STAGING_HTTP_PORT ?? 8080}/`);
  });

  it('the palette\'s Open Environment in Browser asks which environment and opens its URL', async () => {
    await workbench.runCommand('Dual Env: Open Environment in Browser');
    const url = await workbench.openedUrl(() => workbench.pick('Production'));
    assertOpens(url, `http://127.0.0.1:${rig.env.PRODUCTION_HTTP_PORT ?? 80}/`);
  });
});
