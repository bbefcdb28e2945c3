// Passwords that only a secret source holds (the extension's SecretStorage), on the
// rig: a temp copy of the project whose .env lacks PRODUCTION_DB_PASSWORD. Compose
// runs through a recording wrapper, so the test sees every command line it was given.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { remediesOf } from '../../../src/core/common/remedies';
import type { ComposeCommand } from '../../../src/core/compose/composeCommand';
import { secretKey, withStoredPasswords, type DualEnvConfig, type SecretSource } from '../../../src/core/config';
import { databaseBackups } from '../../../src/core/operations/databaseBackups';
import { DeployRefusedError } from '../../../src/core/operations/deployPreflight';
import { deployProduction } from '../../../src/core/operations/deployProduction';
import { deployStaging } from '../../../src/core/operations/deployStaging';
import { controlEnvironment } from '../../../src/core/operations/environmentControl';
import { rollbackProduction } from '../../../src/core/operations/rollbackProduction';
import { readHistory } from '../../../src/core/operations/history';
import type { OperationDeps } from '../../../src/core/operations/operationContext';
import { projectContainers, resetStacks, servicesOf, stackLabel, startRig, compose as rigCompose, type Rig } from '../../rig';
import { makeTempProject, type TempProject } from '../../support/tempProject';

const never = () => new AbortController().signal;

describe(`passwords from a secret source reach Compose [${stackLabel()}]`, () => {
  let rig: Rig;
  let project: TempProject;
  let config: DualEnvConfig;
  let compose: ComposeCommand;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-stored-passwords-'));
  const commandLines = path.join(scratch, 'compose-command-lines');

  /** SecretStorage as the core sees it: keys by secretKey. */
  const secretStorage = (values: Record<string, string>): SecretSource => {
    const stored = new Map(Object.entries(values).map(([variable, value]) => [secretKey(config, variable), value]));
    return { get: async (key) => stored.get(key) };
  };
  const depsWith = async (secrets?: SecretSource): Promise<OperationDeps> => {
    const withStored = await withStoredPasswords(config, secrets);
    return { config: withStored, docker: rig.docker, compose, backups: databaseBackups(withStored, secrets) };
  };
  const containerIds = async (environment: 'staging' | 'production') => (await projectContainers(rig.docker, servicesOf(environment))).map((c) => `${c.Id} ${c.State}`).sort();
  const backupsOf = (environment: string) => {
    const folder = config.environments.find((e) => e.name === environment)!.backups.folder;
    return fs.existsSync(folder) ? fs.readdirSync(folder).filter((name) => /^\d{8}-\d{6}/.test(name)) : [];
  };

  before(async () => {
    rig = await startRig(['staging', 'production']);
    project = makeTempProject('stable/prisma-mysql-stored-passwords');
    // .env is untracked (.gitignore): the tree stays clean
    project.write('.env', project.read('.env').split('\n').filter((line) => !line.startsWith('PRODUCTION_DB_PASSWORD=')).join('\n'));
    config = project.config();
    assert.equal(config.variables.PRODUCTION_DB_PASSWORD, undefined);
    assert.ok(rig.env.PRODUCTION_DB_PASSWORD);
    // Compose as the operations run it, each command line written down first
    const real = await rigCompose();
    const wrapper = path.join(scratch, 'recording-compose');
    fs.writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${commandLines}'\nexec '${real.program}' "$@"\n`, { mode: 0o755 });
    compose = { ...real, program: wrapper };
  });

  after(async () => {
    await resetStacks(rig);
    project?.remove();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('refuses a production deploy before anything changes, naming PRODUCTION_DB_PASSWORD, with Set Database Password', async () => {
    const before = { containers: await containerIds('production'), tags: project.git('tag', '--list'), remoteTags: project.remoteGit('tag', '--list'), head: project.git('rev-parse', 'HEAD') };
    await assert.rejects(deployProduction(await depsWith(), { confirm: async () => assert.fail('asked to confirm a deploy Compose cannot run'), stagingFirst: 'ask' }, never()), (error: unknown) => {
      assert.ok(error instanceof DeployRefusedError, String(error));
      assert.equal(error.message, `Compose cannot read ${config.file} for Production: PRODUCTION_DB_PASSWORD (Production's database password) is not set; nothing was changed.`);
      assert.deepEqual(remediesOf(error), [{ kind: 'setDatabasePassword', environment: 'production', variable: 'PRODUCTION_DB_PASSWORD' }]);
      return true;
    });
    assert.deepEqual({ containers: await containerIds('production'), tags: project.git('tag', '--list'), remoteTags: project.remoteGit('tag', '--list'), head: project.git('rev-parse', 'HEAD') }, before);
    assert.deepEqual(backupsOf('production'), []);
    assert.deepEqual(readHistory(config.projectDir, 'production'), []);
    assert.match(fs.readFileSync(commandLines, 'utf8'), /config --quiet\n$/, 'Compose\'s own check ran, and nothing after it');
  });

  it('refuses a staging deploy too: Compose reads production\'s services from the same file', async () => {
    const before = await containerIds('staging');
    await assert.rejects(deployStaging(await depsWith(), { healthTimeoutSeconds: 120 }, never()), (error: unknown) =>
      error instanceof DeployRefusedError && /for Staging: PRODUCTION_DB_PASSWORD \(Production's database password\) is not set; nothing was changed\.$/.test(error.message));
    assert.deepEqual(await containerIds('staging'), before);
    assert.deepEqual(readHistory(config.projectDir, 'staging'), []);
  });

  it('deploys production with the password from the secret source, given to Compose in its environment and never on a command line', async () => {
    fs.rmSync(commandLines, { force: true });
    const password = rig.env.PRODUCTION_DB_PASSWORD;
    const deps = await depsWith(secretStorage({ PRODUCTION_DB_PASSWORD: password }));
    const result = await deployProduction(deps, { confirm: async () => true, stagingFirst: 'ask', healthTimeoutSeconds: 120 }, never());
    assert.equal(result.outcome, 'succeeded', result.error);
    assert.ok(result.tag && project.remoteGit('tag', '--list').includes(result.tag), 'the tag was pushed');
    assert.deepEqual(backupsOf('production'), [result.backup?.id]);
    // Compose interpolated it: the new backend runs with it
    const [backend] = await projectContainers(rig.docker, ['production-backend']);
    const env = (await rig.docker.getContainer(backend.Id).inspect()).Config.Env;
    assert.ok(env.includes(`DB_PASSWORD=${password}`), 'the recreated backend got the stored password');
    assert.equal((await fetch(`http://127.0.0.1:${rig.env.PRODUCTION_HTTP_PORT}/api/health`)).status, 200);
    const lines = fs.readFileSync(commandLines, 'utf8');
    assert.match(lines, /config --quiet\n/);
    assert.match(lines, /build --force-rm production-frontend production-backend\n/);
    // the new version starts beside the old (a deploy without downtime)
    assert.match(lines, /up -d --no-deps --no-recreate --scale production-frontend=2 --scale production-backend=2 production-frontend production-backend\n/);
    assert.ok(!lines.includes(password), 'the password was on a Compose command line');
  });

  it('refuses a rollback before it asks, when Compose could not recreate production after the data swap', async () => {
    assert.equal(backupsOf('production').length, 1, 'the deploy above left a backup to roll back to');
    const before = await containerIds('production');
    await assert.rejects(rollbackProduction(await depsWith(), { confirm: async () => assert.fail('asked to confirm a rollback Compose cannot finish') }, never()), (error: unknown) =>
      error instanceof DeployRefusedError && /for Production: PRODUCTION_DB_PASSWORD \(Production's database password\) is not set; nothing was changed\.$/.test(error.message)
      && remediesOf(error)[0]?.kind === 'setDatabasePassword');
    assert.deepEqual(await containerIds('production'), before);
    assert.equal(readHistory(config.projectDir, 'production').filter((r) => r.operation === 'rollback').length, 0);
  });

  it('restarts from the tree only with the stored password, and says which one is missing without it', async () => {
    const restart = { environment: 'staging', action: 'restart' as const, service: 'staging-frontend', healthTimeoutSeconds: 120 };
    const before = await containerIds('staging');
    await assert.rejects(controlEnvironment(await depsWith(), restart, never()), (error: unknown) =>
      error instanceof DeployRefusedError && /PRODUCTION_DB_PASSWORD \(Production's database password\) is not set/.test(error.message));
    assert.deepEqual(await containerIds('staging'), before);
    fs.rmSync(commandLines, { force: true });
    await controlEnvironment(await depsWith(secretStorage({ PRODUCTION_DB_PASSWORD: rig.env.PRODUCTION_DB_PASSWORD })), restart, never());
    assert.match(fs.readFileSync(commandLines, 'utf8'), /restart staging-frontend\n$/);
  });
});
