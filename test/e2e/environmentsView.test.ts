// The packaged extension in a real VS Code, on the rig's running reference stack:
// the Environments view and the status bar follow Docker live, and Show Logs…
// follows a container's output.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runChecked } from '../../src/core/common/process';
import { projectContainers, servicesOf, startRig, waitHealthy, type Rig } from '../rig';
import { makeTempProject, type TempProject } from '../support/tempProject';
import { Workbench } from './workbench';

describe('Environments view and status bar in VS Code', () => {
  let rig: Rig;
  let project: TempProject;
  let workbench: Workbench;

  before(async () => {
    rig = await startRig(['staging', 'production']);
    // a fresh copy: the worktree's own deploy history would show in the descriptions
    project = makeTempProject('e2e/environments-view');
    workbench = await Workbench.open(project.dir);
  });

  after(async () => {
    await workbench?.close();
    project?.remove();
  });

  it('lists Staging and Production and their seven containers (production\'s edge among them), running and healthy', async () => {
    const view = await workbench.environmentsView();
    await workbench.treeItem(view, 'Staging').waitFor();
    await workbench.treeItem(view, 'Production').waitFor();
    for (const service of [...servicesOf('staging'), ...servicesOf('production')]) {
      await view.getByRole('treeitem', { name: new RegExp(`^${service}, running, healthy`) }).waitFor();
    }
    const environments = (await workbench.rowNames(view, 1)).filter((name) => /^(Staging|Production),/.test(name));
    assert.deepEqual(environments, ['Staging, 3/3 healthy', 'Production, 4/4 healthy']);
    const containers = (await workbench.rowNames(view, 2)).filter((name) => /^(staging|production)-/.test(name));
    assert.equal(containers.length, 7);
    await workbench.badge('Staging is healthy').waitFor();
    await workbench.badge('Production is healthy').waitFor();
    await workbench.screenshot('tree-and-status-bar.png');
  });

  it('turns a stopped container and its environment\'s badge degraded without a click', async () => {
    const [frontend] = await projectContainers(rig.docker, ['staging-frontend']);
    const view = await workbench.environmentsView();
    try {
      await rig.docker.getContainer(frontend.Id).stop({ t: 1 });
      await view.getByRole('treeitem', { name: /^staging-frontend, exited/ }).waitFor({ timeout: 10_000 });
      const badge = workbench.badge('Staging is degraded: 2 of 3 services serve');
      await badge.waitFor({ timeout: 10_000 });
      assert.ok(await workbench.treeItem(view, 'Staging').getAttribute('aria-label').then((name) => name?.startsWith('Staging, 2/3 degraded')));
      assert.match(await badge.getAttribute('class') ?? '', /warning-kind/);
      // the mark is a codicon, not a Unicode character
      assert.equal(await badge.locator('.codicon-warning').count(), 1);
      assert.doesNotMatch(await badge.innerText(), /[✓⚠✗]/u);
      await workbench.screenshot('staging-degraded.png');
    } finally {
      await rig.docker.getContainer(frontend.Id).start();
      await waitHealthy(rig.docker, ['staging-frontend']);
    }
    await workbench.badge('Staging is healthy').waitFor({ timeout: 10_000 });
  });

  it('Show Logs… opens a channel that shows a line the container prints afterwards', async () => {
    await workbench.runCommand('Dual Env: Show Logs…');
    await workbench.pick('Staging');
    await workbench.pick('staging-backend');
    const output = workbench.page.locator('.part.panel');
    await output.locator('.monaco-select-box, .output-view-container, .monaco-editor').first().waitFor();
    const [backend] = await projectContainers(rig.docker, ['staging-backend']);
    const marker = `dual-env-e2e-marker-${Date.now()}`;
    // PID 1's stdout is what `docker logs` (and so the channel) reads
    await runChecked('docker', ['exec', backend.Id, 'sh', '-c', 'echo "$0" > /proc/1/fd/1', marker], 'docker exec');
    await output.getByText(marker).waitFor({ timeout: 15_000 });
    await workbench.screenshot('log-channel.png');
  });

  it('names each status-bar badge for screen readers, with codicons in place of marks', async () => {
    const badge = workbench.badge('Production is healthy');
    await badge.waitFor();
    assert.equal(await badge.locator('.codicon-check').count(), 1);
    assert.equal((await badge.innerText()).trim(), 'Production');
  });

  it('Shift+F10 on a row opens its context menu, with titles from package.nls.json and only the actions that apply', async () => {
    const view = await workbench.environmentsView();
    await workbench.runCommand('Focus on Environments View');
    await workbench.arrowTo(view, 'Production');
    await workbench.page.keyboard.press('Shift+F10');
    const environmentMenu = await workbench.menuEntries();
    await workbench.page.keyboard.press('Escape');
    for (const entry of ['Deploy to Production', 'Roll Back Production…', 'Back Up Production Now', 'Restart Environment', 'Stop Environment']) {
      assert.ok(environmentMenu.includes(entry), `${entry} not in ${environmentMenu.join(', ')}`);
    }
    // every container runs: nothing to start
    assert.ok(!environmentMenu.includes('Start Environment'), environmentMenu.join(', '));

    await workbench.arrowTo(view, 'production-backend');
    await workbench.page.keyboard.press('Shift+F10');
    const containerMenu = await workbench.menuEntries();
    await workbench.page.keyboard.press('Escape');
    for (const entry of ['Show Logs…', 'Restart Container', 'Stop Container']) assert.ok(containerMenu.includes(entry), `${entry} not in ${containerMenu.join(', ')}`);
    assert.ok(!containerMenu.includes('Start Container'), containerMenu.join(', '));
    await workbench.screenshot('keyboard-context-menu.png');
  });

  it('Enter on a container row follows its logs in an output channel', async () => {
    const view = await workbench.environmentsView();
    await workbench.runCommand('Focus on Environments View');
    await workbench.arrowTo(view, 'production-frontend');
    await workbench.page.keyboard.press('Enter');
    const output = workbench.page.locator('.part.panel');
    // the last 200 lines come first, so the marker shows even if it is printed before the channel follows
    const [frontend] = await projectContainers(rig.docker, ['production-frontend']);
    const marker = `dual-env-e2e-enter-${Date.now()}`;
    await runChecked('docker', ['exec', frontend.Id, 'sh', '-c', 'echo "$0" > /proc/1/fd/1', marker], 'docker exec');
    await output.getByText(marker).waitFor({ timeout: 15_000 });
    await workbench.screenshot('enter-follows-logs.png');
  });
});
