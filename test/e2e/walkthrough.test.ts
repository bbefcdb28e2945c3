// The getting-started walkthrough in a real VS Code, on the rig: a project without
// Dual Env yet (the app's code and a .env naming the compose project and its ports,
// no compose file, no passwords), both environments stopped. Each step's own button
// does the work, and each step ticks in the Welcome page on what really happened.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Locator } from 'playwright-core';
import { composeChecked, projectContainers, servicesOf, startRig, waitHealthy, type Rig } from '../rig';
import { makeTempProject, type TempProject } from '../support/tempProject';
import { Workbench } from './workbench';

const SLOW = { timeout: 60_000 };
const DEPLOY_TIMEOUT = { timeout: 300_000 };
/** The walkthrough as VS Code names it: `<publisher>.<name>#<walkthrough id>`. */
const WALKTHROUGH = 'dual-env.dual-env#gettingStarted';
const STEPS = ['composeFile', 'passwords', 'start', 'healthy', 'deployStaging'] as const;
type Step = (typeof STEPS)[number];
const PASSWORD_VARIABLES = {
  Staging: ['STAGING_DB_PASSWORD', 'STAGING_DB_ROOT_PASSWORD'],
  Production: ['PRODUCTION_DB_PASSWORD', 'PRODUCTION_DB_ROOT_PASSWORD'],
} as const;

describe('getting-started walkthrough: from a folder without Dual Env to a first staging deploy', () => {
  let rig: Rig;
  let project: TempProject;
  let workbench: Workbench;

  /** The step's row in the walkthrough's list (a button that expands it). */
  const stepRow = (step: Step): Locator => workbench.page.locator(`button.getting-started-step[data-step-id="${WALKTHROUGH}#${step}"]`);

  /** The steps whose checkbox is ticked now. */
  async function completedSteps(): Promise<Step[]> {
    const done: Step[] = [];
    for (const step of STEPS) {
      if (await stepRow(step).locator('.codicon.complete').count() > 0) done.push(step);
    }
    return done;
  }

  /** Waits until the step's checkbox is ticked (the workbench re-renders it on the completion event). */
  async function ticks(step: Step, options = SLOW): Promise<void> {
    await showWalkthrough();
    const checkbox = stepRow(step).locator('[role=checkbox][aria-checked="true"].complete');
    try {
      await checkbox.waitFor(options);
    } catch (error) {
      await workbench.screenshot(`walkthrough-${step}-not-ticked.png`);
      throw new Error(`the walkthrough step ${step} did not tick; ticked are: ${(await completedSteps()).join(', ') || 'none'}`, { cause: error });
    }
  }

  /** The walkthrough's tab in front, should an editor have been opened over it. */
  async function showWalkthrough(): Promise<void> {
    if (await stepRow('composeFile').isVisible()) return;
    await workbench.page.locator('.tabs-container .tab', { hasText: 'Walkthrough:' }).click();
    await stepRow('composeFile').waitFor();
  }

  /** Expands the step and presses its button (the command link of its description). */
  async function pressStepButton(step: Step, button: string): Promise<void> {
    await showWalkthrough();
    await stepRow(step).click();
    const link = workbench.page.locator('.gettingStartedContainer').getByRole('button', { name: button, exact: true });
    await link.waitFor();
    await link.click();
  }

  /**
   * Chooses the quick pick's row with `label` by clicking it: an Enter pressed while the
   * list still filters what was typed is sometimes dropped.
   */
  async function choose(label: string): Promise<void> {
    await workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first().click();
  }

  /** Waits until the quick input open is the one titled `title`. */
  async function prompt(title: string): Promise<void> {
    await workbench.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
  }

  /** Runs `action`; should it fail, the workbench as it was is saved as `name` in test-artifacts/. */
  async function shotIfFails(name: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      await workbench.screenshot(name).catch(() => undefined);
      throw error;
    }
  }

  before(async () => {
    // the engine, the images and the .env; the environments are for the walkthrough to start
    rig = await startRig();
    project = makeTempProject('feature/e2e-walkthrough');
    // what a new user has: the app's code, but no compose file; a .env with the compose
    // project's name and ports (the rig's), and the passwords left to the walkthrough
    fs.rmSync(project.composeFile);
    const env = project.read('.env').split('\n').filter((line) => !/PASSWORD=/.test(line)).join('\n');
    project.write('.env', env);
    assert.ok(!/PASSWORD=/.test(env));
    // both environments stopped (should the rig have them running), so that starting them is the user's doing
    await composeChecked(['stop', ...servicesOf('staging'), ...servicesOf('production')]);
    workbench = await Workbench.open(project.dir, { environments: false });
  });

  after(async () => {
    await workbench?.close();
    project?.remove();
    if (rig) {
      const stopped = (await projectContainers(rig.docker, [...servicesOf('staging'), ...servicesOf('production')])).filter((c) => c.State !== 'running');
      if (stopped.length > 0) await composeChecked(['up', '-d', ...servicesOf('staging'), ...servicesOf('production')]);
      await waitHealthy(rig.docker, [...servicesOf('staging'), ...servicesOf('production')]);
    }
  });

  it('opens from Welcome: Open Walkthrough… with no step done', async () => {
    await workbench.runCommand('Welcome: Open Walkthrough...');
    await workbench.pick('Get Started with Dual Env');
    await stepRow('composeFile').waitFor(SLOW);
    await workbench.screenshot('walkthrough-opened.png');
    assert.deepEqual(await completedSteps(), []);
  });

  it('Create docker-compose-dual-env.yml creates the file, and the step ticks once it is read', async () => {
    await pressStepButton('composeFile', 'Create docker-compose-dual-env.yml');
    await workbench.page.locator('.tabs-container .tab', { hasText: 'docker-compose-dual-env.yml' }).waitFor(SLOW);
    assert.ok(fs.existsSync(project.composeFile));
    await ticks('composeFile');
    assert.deepEqual(await completedSteps(), ['composeFile']);
    await workbench.screenshot('walkthrough-compose-file.png');
  });

  it('Set Database Password, once per variable, ticks the passwords step', async () => {
    for (const [environment, variables] of Object.entries(PASSWORD_VARIABLES)) {
      for (const variable of variables) {
        assert.ok(!(await completedSteps()).includes('passwords'), 'the passwords step waits for every variable');
        await shotIfFails(`walkthrough-password-${variable}.png`, async () => {
          // each prompt is awaited by its title: typing into the one before would answer the wrong question
          await pressStepButton('passwords', 'Set Database Password');
          await prompt('Set Database Password');
          await choose(environment);
          await prompt(`Password of ${environment}'s database`);
          await choose(variable);
          await prompt(`Set ${variable}`);
          const input = workbench.page.locator('.quick-input-widget input[type=password]');
          await input.fill(rig.env[variable]);
          await workbench.page.keyboard.press('Enter');
          await workbench.notification(`${variable} is stored`).waitFor(SLOW);
        });
      }
    }
    await ticks('passwords');
    await workbench.screenshot('walkthrough-passwords.png');
  });

  it('Start Environment for Staging, then Production (confirmed), ticks the start step, then the healthy one', async () => {
    // running is enough for the start step; health may take longer than the start waits
    const running = (label: string) => workbench.badge(new RegExp(`^${label} is (healthy|degraded)`));
    await pressStepButton('start', 'Start Environment');
    await prompt('Start Environment');
    await choose('Staging');
    await shotIfFails('walkthrough-staging-not-running.png', () => running('Staging').waitFor(DEPLOY_TIMEOUT));
    assert.ok(!(await completedSteps()).includes('start'), 'the start step waits for both environments');
    await pressStepButton('start', 'Start Environment');
    await prompt('Start Environment');
    await choose('Production');
    const dialog = await workbench.dialog();
    await dialog.getByRole('button', { name: 'Start Production' }).click();
    await shotIfFails('walkthrough-production-not-running.png', () => running('Production').waitFor(DEPLOY_TIMEOUT));
    await ticks('start');
    await ticks('healthy', DEPLOY_TIMEOUT);
    await workbench.screenshot('walkthrough-healthy.png');
  });

  it('Deploy to Staging ticks the last step once the deploy succeeded', async () => {
    await pressStepButton('deployStaging', 'Deploy to Staging');
    await shotIfFails('walkthrough-deploy-not-done.png', () => workbench.notification(/Deployed .* to Staging\./).waitFor(DEPLOY_TIMEOUT));
    await ticks('deployStaging');
    assert.deepEqual(await completedSteps(), [...STEPS]);
    await workbench.screenshot('walkthrough-done.png');
  });
});
