// A command given an environment it cannot act on says why, instead of doing nothing.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Environment } from '../../../src/core/config/model';
import {
  anyEnvironment, backUpAble, environmentActionsFor, environmentChoice, productionOnly, stagingOnly, withDatabasePassword, withDatabaseShell, withUrl,
} from '../../../src/extension/environmentChoice';
import { english, useTranslations } from '../../../src/extension/l10n';
import { environment } from './fixtures';

const database = { service: 'production-database', host: 'production-database', port: 3306, name: 'wms', user: 'wms', passwordVariable: 'PRODUCTION_DB_PASSWORD' };
const staging = environment('staging');
const production: Environment = { ...environment('production'), database };
const names = (list: Environment[]) => list.map((e) => e.name);

describe('environmentChoice', () => {
  it('returns the named environment when the command applies to it', () => {
    assert.deepEqual(names(environmentChoice([staging, production], 'production', backUpAble)), ['production']);
  });

  it('refuses a named environment the command does not apply to, in one sentence saying why', () => {
    const bare = { ...production, database: undefined };
    assert.throws(() => environmentChoice([staging, bare], 'production', backUpAble), { message: 'Production declares no database in x-dual-env, so it cannot be backed up.' });
    assert.throws(() => environmentChoice([staging, production], 'staging', backUpAble), { message: /^Staging is not production; / });
    assert.throws(() => environmentChoice([{ ...staging, url: undefined }], 'staging', withUrl), { message: 'Staging declares no url in x-dual-env, so there is nothing to open in the browser.' });
    assert.throws(() => environmentChoice([staging, production], 'production', stagingOnly), { message: /^Production is deployed with Deploy to Production, / });
  });

  it('refuses a name the compose file does not declare', () => {
    assert.throws(() => environmentChoice([staging, production], 'qa'), { message: 'The compose file declares no environment named "qa".' });
  });

  it('without a name offers every environment the command applies to', () => {
    assert.deepEqual(names(environmentChoice([staging, production], undefined)), ['staging', 'production']);
    assert.deepEqual(names(environmentChoice([staging, production], undefined, productionOnly)), ['production']);
    assert.deepEqual(names(environmentChoice([staging, production], undefined, stagingOnly)), ['staging']);
    assert.deepEqual(names(environmentChoice([staging, production], undefined, withDatabaseShell)), ['production']);
    assert.throws(() => environmentChoice([staging, production], 'staging', withDatabaseShell), { message: 'Staging declares no database in x-dual-env, so it has no database shell.' });
    assert.deepEqual(names(environmentChoice([staging, production], undefined, withDatabasePassword)), ['production']);
    assert.throws(() => environmentChoice([staging, production], 'staging', withDatabasePassword), { message: 'Staging declares no database in x-dual-env, so it has no database password to set.' });
  });

  it('without a name and nothing applicable, says why when every environment fails for the same reason', () => {
    assert.throws(() => environmentChoice([{ ...staging, url: undefined }], undefined, withUrl), { message: /^Staging declares no url/ });
    assert.throws(() => environmentChoice([staging, { ...production, url: undefined }].map((e) => ({ ...e, url: undefined })), undefined, withUrl), { message: 'The compose file declares no environment this command applies to.' });
    assert.throws(() => environmentChoice([], undefined, anyEnvironment), { message: 'The compose file declares no environment this command applies to.' });
  });
});

describe('environmentActionsFor', () => {
  const commands = (e: Environment) => environmentActionsFor(e).map((a) => a.command);

  it('offers production its deploy, rollback and backup, and staging its own deploy', () => {
    assert.deepEqual(commands(production).slice(0, 3), ['dualEnv.deployProduction', 'dualEnv.rollbackProduction', 'dualEnv.backupProduction']);
    assert.ok(!commands(production).includes('dualEnv.deployStaging'));
    assert.equal(commands(staging)[0], 'dualEnv.deployStaging');
    assert.ok(!commands(staging).some((c) => /Production$/.test(c)));
  });

  it('leaves out Back Up without a database and Open in Browser without a url', () => {
    const bare = commands({ ...production, database: undefined, url: undefined });
    assert.ok(!bare.includes('dualEnv.backupProduction'));
    assert.ok(!bare.includes('dualEnv.openInBrowser'));
    assert.ok(commands(production).includes('dualEnv.openInBrowser'));
  });

  it('offers in Restricted Mode only what runs there: no deploy, rollback, backup, start, stop or restart', () => {
    assert.deepEqual(environmentActionsFor(production, false).map((a) => a.command),
      ['dualEnv.showLogs', 'dualEnv.openInBrowser', 'dualEnv.showDeployHistory', 'dualEnv.refresh']);
    assert.deepEqual(environmentActionsFor(staging, false).map((a) => a.command).filter((c) => /deploy|Environment$/i.test(c) && c !== 'dualEnv.showDeployHistory'), []);
  });

  describe('translated', () => {
    afterEach(() => useTranslations(english));

    it('titles each action when asked, with the translations activate() handed over after import', () => {
      useTranslations((message, ...args) => `[${english(message, ...args)}]`);
      assert.deepEqual(environmentActionsFor(production).slice(0, 2).map((a) => a.label), ['$(rocket) [Deploy to Production]', '$(history) [Roll Back Production…]']);
    });
  });
});
