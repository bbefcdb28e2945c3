import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { dualEnv, until, withUserInput, project } from './api';
import { ScriptedUserInput } from './scriptedUserInput';

suite('production deploy confirmation', () => {
  test('the confirmation (answered Cancel through the scripted seam) shows the plan and names the action; production stays untouched', async () => {
    const api = await dualEnv();
    await until(api, () => project(api).statusOf('production')?.health === 'healthy', 'production to be healthy');
    const production = project(api).environments().find((e) => e.isProduction);
    assert.ok(production);
    const containers = () => (project(api).statusOf('production')?.containers ?? []).map((c) => `${c.service} ${c.containerId} ${c.image}`);
    const backups = () => (fs.existsSync(production.backups.folder) ? fs.readdirSync(production.backups.folder).sort() : []);
    const before = { containers: containers(), backups: backups() };

    const input = new ScriptedUserInput([{ confirm: 'Cancel' }]);
    await withUserInput(api, input, async () => { await vscode.commands.executeCommand('dualEnv.deployProduction'); });
    input.assertDone();
    assert.match(input.asked[0], /^confirm: Deploy stable\/prisma-mysql-host @ [0-9a-f]{7} to Production\?$/);
    assert.match(input.details[0], /backup/i);
    assert.match(input.details[0], /production-frontend, production-backend/);
    assert.deepEqual({ containers: containers(), backups: backups() }, before);
  });

  test('the confirmation (answered through the scripted seam) lists only the services that are rebuilt, and the pre-production checklist with each check\'s result', async () => {
    const api = await dualEnv();
    await until(api, () => project(api).statusOf('staging')?.health === 'healthy', 'staging to be healthy');
    const input = new ScriptedUserInput([{ confirm: 'Cancel' }]);
    await withUserInput(api, input, async () => { await vscode.commands.executeCommand('dualEnv.deployProduction'); });
    input.assertDone();
    const detail = input.details[0];
    // the database has no build: it is kept running, not rebuilt
    assert.match(detail, /\nRebuilt from this commit: production-frontend, production-backend\.\nLeft running as they are \(started if stopped\): production-database, production-edge\.\n/);
    assert.match(detail, /\nWithout downtime: production-frontend, production-backend start beside the running version; production-frontend gets requests only once healthy \(production-edge holds them on the old container until then\); production-backend gets requests only once healthy /);
    assert.match(detail, /\nPre-production checklist, run against staging:\n/);
    // the rig's staging was started, not deployed from this folder: asked in the modal, that is a warning, not a refusal
    assert.match(detail, /^ {2}WARNING {2}Staging healthy on this commit: Commit [0-9a-f]{7} has not been deployed to Staging$/m);
    assert.match(detail, /^ {2}(passed {3}|WARNING {2})No error lines in Staging's logs: /m);
    for (const smokePath of ['/healthz', '/', '/api/health', '/api/version']) {
      assert.ok(detail.includes(`\n  passed   GET ${smokePath} → 200: answered 200`), `${smokePath} in:\n${detail}`);
    }
  });
});

suite('production deploy in a maintenance window', () => {
  test('its confirmation (answered Cancel through the scripted seam) says the old version stops first and production is away; nothing changes', async () => {
    const api = await dualEnv();
    await until(api, () => project(api).statusOf('production')?.health === 'healthy', 'production to be healthy');
    const containers = () => (project(api).statusOf('production')?.containers ?? []).map((c) => `${c.service} ${c.containerId} ${c.image}`);
    const before = containers();
    const input = new ScriptedUserInput([{ confirm: 'Cancel' }]);
    await withUserInput(api, input, async () => { await vscode.commands.executeCommand('dualEnv.deployProductionInMaintenanceWindow'); });
    input.assertDone();
    assert.match(input.asked[0], /^confirm: Deploy stable\/prisma-mysql-host @ [0-9a-f]{7} to Production\?$/);
    assert.match(input.details[0], /\nMaintenance window: the old version is stopped before the new one starts, .*production is away until the new version is healthy\.\n/);
    assert.doesNotMatch(input.details[0], /\nWithout downtime:/);
    assert.deepEqual(containers(), before);
  });
});

suite('failed production deploy', () => {
  test('a build that fails after the confirmation ends in an error with Show Log only: production never changed, so there is nothing to roll back', async () => {
    const api = await dualEnv();
    const dir = project(api).config?.projectDir;
    assert.ok(dir);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    const dockerfile = path.join(dir, 'examples', 'wms', 'backend', 'Dockerfile');
    const original = fs.readFileSync(dockerfile, 'utf8');
    const head = git('rev-parse', 'HEAD').trim();
    // committed, so that the deploy's clean-tree check passes and the build is what fails
    fs.writeFileSync(dockerfile, `${original}\nRUN exit 3\n`);
    git('commit', '--quiet', '-am', 'a backend image that cannot be built');
    const containers = () => (project(api).statusOf('production')?.containers ?? []).map((c) => `${c.service} ${c.containerId}`).sort();
    const before = containers();
    const input = new ScriptedUserInput([{ confirm: 'Deploy to Production' }, { error: undefined }]);
    try {
      await withUserInput(api, input, async () => { await vscode.commands.executeCommand('dualEnv.deployProduction'); });
      input.assertDone();
      assert.match(input.asked[1], /^error: /);
      assert.deepEqual(input.offered.at(-1), ['Show Log']);
      assert.deepEqual(containers(), before);
    } finally {
      git('reset', '--quiet', '--hard', head);
    }
    await until(api, () => project(api).statusOf('production')?.health === 'healthy', 'production still healthy');
  });

  test('a new backend that cannot start is removed beside the running one: the error offers Show Log only, and production runs its previous images', async function () {
    this.timeout(240_000);
    const api = await dualEnv();
    await until(api, () => project(api).statusOf('production')?.health === 'healthy', 'production to be healthy');
    const dir = project(api).config?.projectDir;
    assert.ok(dir);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    const dockerfile = path.join(dir, 'examples', 'wms', 'backend', 'Dockerfile');
    const original = fs.readFileSync(dockerfile, 'utf8');
    // the failed build before pushed its broken commit, then reset it locally: build on the remote's tip, or the push is refused
    git('fetch', '--quiet', 'origin', git('rev-parse', '--abbrev-ref', 'HEAD').trim());
    git('reset', '--quiet', '--hard', 'FETCH_HEAD');
    const images = () => (project(api).statusOf('production')?.containers ?? []).map((c) => `${c.service} ${c.imageId}`).sort();
    const before = images();
    // builds, but Docker cannot start it: the new container beside the old one fails, and the old one never stopped
    fs.writeFileSync(dockerfile, original.replace('USER nobody', 'USER no-such-user'));
    git('commit', '--quiet', '-am', 'a backend that cannot start');
    const input = new ScriptedUserInput([{ confirm: 'Deploy to Production' }, { error: undefined }]);
    try {
      await withUserInput(api, input, async () => { await vscode.commands.executeCommand('dualEnv.deployProduction'); });
      input.assertDone();
      assert.match(input.asked[1], /^error: .*no-such-user.*Production goes on running the previous version with its data, and no rollback is needed\./);
      assert.deepEqual(input.offered.at(-1), ['Show Log']);
    } finally {
      // the broken commit was pushed: put the working Dockerfile back on top, so the tree builds again and the next push fast-forwards
      fs.writeFileSync(dockerfile, original);
      git('commit', '--quiet', '-am', 'the backend starts again');
    }
    // the removed new containers leave the tree with their destroy events
    await until(api, () => project(api).statusOf('production')?.health === 'healthy' && images().join() === before.join(), 'production healthy on its previous images only', 120_000);
    assert.deepEqual(images(), before, 'the previous images still run');
  });
});

suite('remedies as buttons', () => {
  test('uncommitted changes refuse the deploy with Commit and Deploy…, which asks for the commit message instead of naming a CLI flag', async () => {
    const api = await dualEnv();
    const dir = project(api).config?.projectDir;
    assert.ok(dir);
    const page = path.join(dir, 'examples', 'wms', 'frontend', 'html', 'index.html');
    const original = fs.readFileSync(page, 'utf8');
    fs.writeFileSync(page, '<p>not committed yet</p>\n');
    // the button runs Deploy to Production again, which asks for the message first; no message, no deploy
    const input = new ScriptedUserInput([{ error: 'Commit and Deploy…' }, { input: '' }]);
    try {
      await withUserInput(api, input, async () => { await vscode.commands.executeCommand('dualEnv.deployProduction'); });
      input.assertDone();
    } finally {
      fs.writeFileSync(page, original);
    }
    assert.match(input.asked[0], /^error: The working tree has uncommitted changes \(.*index\.html\); commit them, or give a commit message to commit them as part of the deploy\.$/);
    assert.doesNotMatch(input.asked[0], /dual-env|--message/);
    assert.deepEqual(input.offered[0], ['Commit and Deploy…', 'Show Log']);
    assert.equal(input.asked[1], 'input: Commit and Deploy to Production');
  });
});
