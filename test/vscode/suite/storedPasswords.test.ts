import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { secretKey } from '../../../src/core/config';
import { readHistory } from '../../../src/core/operations/history';
import { dualEnv, until, withUserInput, project } from './api';
import { ScriptedUserInput } from './scriptedUserInput';

const PASSWORDS = ['STAGING_DB_PASSWORD', 'STAGING_DB_ROOT_PASSWORD', 'PRODUCTION_DB_PASSWORD', 'PRODUCTION_DB_ROOT_PASSWORD'];

suite('database passwords only in SecretStorage', () => {
  test('a production deploy is refused with Set Database Password, which stores the missing one; then it succeeds', async function () {
    this.timeout(240_000);
    const api = await dualEnv();
    await until(api, () => project(api).statusOf('production')?.health === 'healthy', 'production to be healthy');
    const config = project(api).config;
    const production = project(api).environments().find((e) => e.isProduction);
    assert.ok(config && production);
    const dir = config.projectDir;
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
    const dotEnv = path.join(dir, '.env');
    const original = fs.readFileSync(dotEnv, 'utf8');
    // the rig's databases were initialised with these; from now on only SecretStorage holds them
    const values = Object.fromEntries(PASSWORDS.map((variable) => [variable, new RegExp(`^${variable}=(.*)$`, 'm').exec(original)?.[1]]));
    for (const variable of PASSWORDS) assert.ok(values[variable], `the rig's .env has no ${variable}`);
    const backups = () => (fs.existsSync(production.backups.folder) ? fs.readdirSync(production.backups.folder).filter((name) => /^\d{8}-\d{6}/.test(name)).sort() : []);
    const containers = () => (project(api).statusOf('production')?.containers ?? []).map((c) => `${c.service} ${c.containerId}`).sort();
    const store = async (environment: string, variable: string) => {
      const input = new ScriptedUserInput([{ pick: variable }, { input: values[variable]! }]);
      await withUserInput(api, input, async () => { await vscode.commands.executeCommand('dualEnv.setDatabasePassword', environment); });
      input.assertDone();
    };
    try {
      fs.writeFileSync(dotEnv, original.split('\n').filter((line) => !PASSWORDS.some((variable) => line.startsWith(`${variable}=`))).join('\n'));
      for (const variable of PASSWORDS) await api.extension.secrets.delete(secretKey(config, variable));
      await vscode.commands.executeCommand('dualEnv.refresh');
      await until(api, () => PASSWORDS.every((variable) => project(api).config?.variables[variable] === undefined), 'the model to read the .env without passwords');

      // through the command a person runs: every password but production's own
      await store('staging', 'STAGING_DB_PASSWORD');
      await store('staging', 'STAGING_DB_ROOT_PASSWORD');
      await store('production', 'PRODUCTION_DB_ROOT_PASSWORD');

      const before = { backups: backups(), containers: containers(), tags: git('tag', '--list') };
      const refused = new ScriptedUserInput([{ error: 'Set Database Password' }, { input: values.PRODUCTION_DB_PASSWORD! }]);
      await withUserInput(api, refused, async () => { await vscode.commands.executeCommand('dualEnv.deployProduction'); });
      refused.assertDone();
      assert.match(refused.asked[0], /^error: Compose cannot read .*docker-compose-dual-env\.yml for Production: PRODUCTION_DB_PASSWORD \(Production's database password\) is not set; nothing was changed\.$/);
      assert.deepEqual(refused.offered[0], ['Set Database Password', 'Show Log']);
      // the button opened Set Database Password on that variable: no environment or variable to pick
      assert.equal(refused.asked[1], 'input: Set PRODUCTION_DB_PASSWORD');
      assert.deepEqual({ backups: backups(), containers: containers(), tags: git('tag', '--list') }, before, 'the refused deploy changed something');
      assert.equal(await api.extension.secrets.get(secretKey(config, 'PRODUCTION_DB_PASSWORD')), values.PRODUCTION_DB_PASSWORD);

      const deployed = new ScriptedUserInput([{ confirm: 'Deploy to Production' }]);
      await withUserInput(api, deployed, async () => { await vscode.commands.executeCommand('dualEnv.deployProduction'); });
      deployed.assertDone();
      const last = readHistory(dir, production.name).at(-1);
      assert.equal(last?.outcome, 'succeeded', last?.error);
      assert.equal(last?.commit, git('rev-parse', 'HEAD'));
      assert.ok(last?.tag && git('tag', '--points-at', 'HEAD').split('\n').includes(last.tag), 'HEAD carries the deploy\'s tag');
      assert.deepEqual(backups(), [...before.backups, last?.backupId].sort(), 'one new backup, taken with the stored password');
      await until(api, () => project(api).statusOf('production')?.health === 'healthy', 'production healthy after the deploy', 60_000);
      const version = await (await fetch(`${production.url}/api/version`)).json() as { commit: string };
      assert.equal(version.commit, git('rev-parse', 'HEAD'));
    } finally {
      fs.writeFileSync(dotEnv, original);
      for (const variable of PASSWORDS) await api.extension.secrets.delete(secretKey(config, variable));
      await vscode.commands.executeCommand('dualEnv.refresh');
      await until(api, () => project(api).config?.variables.PRODUCTION_DB_PASSWORD !== undefined, 'the model to read the restored .env');
    }
  });
});
