// What the deploy and rollback suites share: the rig with both halves up, and for each
// test a temp project of its own (see test/support/tempProject.ts) with a bare remote,
// so that its git history, tags, deploy history and backups start empty whatever ran
// before. Production's containers and data are the rig's and outlive every test: a test
// compares production before and after itself, never with what an earlier test left.
import fs from 'node:fs';
import os from 'node:os';
import { after, before } from 'node:test';
import mysql from 'mysql2/promise';
import type { DualEnvConfig, Environment } from '../../../src/core/config';
import type { ProgressEvent } from '../../../src/core/common/progress';
import { backupDatabase, type BackupDatabaseInput } from '../../../src/core/operations/backupDatabase';
import { databaseBackups } from '../../../src/core/operations/databaseBackups';
import { deployProduction, type DeployProductionOptions } from '../../../src/core/operations/deployProduction';
import type { DatabaseBackups } from '../../../src/core/operations/backupPort';
import type { OperationDeps } from '../../../src/core/operations/operationContext';
import { compose as rigCompose, projectContainers, projectName, resetStacks, servicesOf, startRig, type Rig } from '../../rig';
import { makeTempProject, type TempProject } from '../../support/tempProject';

export const BRANCH = 'stable/prisma-mysql-$(touch${IFS}pwned);`id`';
export const never = () => new AbortController().signal;
// production's data outlives a run: rows of this run carry its own suffix, and `after` deletes them
export const RUN = Date.now().toString(36).slice(-6);

/** The temp folders clean exports of a release are built from. */
export const releaseExports = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('dual-env-release-')).sort();
/** The release exports made since `before` that are still there: another checkout's deploy on this machine may add or remove its own meanwhile. */
export const releaseExportsLeftSince = (before: readonly string[]) => releaseExports().filter((name) => !before.includes(name));

/** Inserts a production-only crash into the backend: staging would run the same commit fine. */
export const crashInProduction = (server: string, said = 'missing production setting') =>
  server.replace('const env = process.env;', `const env = process.env;\nif (env.APP_ENV === 'production') { console.error('${said}'); process.exit(4); }`);

export type DeployTest = Awaited<ReturnType<typeof setUpTest>>;

/**
 * Registers the suite's rig and clean-up, and returns `fresh`, which a test calls
 * first: the rig's stacks up and healthy (a test before may have failed half way),
 * and a project, history and backups of its own.
 */
export function deploySuite(): { fresh: () => Promise<DeployTest> } {
  let rig: Rig | undefined;
  const projects: TempProject[] = [];
  before(async () => {
    rig = await startRig(['staging', 'production']);
  });
  after(async () => {
    if (!rig) return;
    const connection = await productionDatabase(rig).catch(() => undefined);
    await connection?.query('DELETE FROM warehouses WHERE code LIKE ?', [`%-${RUN}%`]).catch(() => undefined);
    await connection?.end();
    await resetStacks(rig);
    for (const project of projects) project.remove();
  });
  return {
    fresh: async () => {
      const test = await setUpTest(await startRig(['staging', 'production']));
      projects.push(test.project);
      return test;
    },
  };
}

const productionDatabase = (rig: Rig) => mysql.createConnection({
  host: '127.0.0.1', port: Number(rig.env.PRODUCTION_DB_PORT), user: 'wms_user', password: rig.env.PRODUCTION_DB_PASSWORD, database: 'warehouse_wms',
});

async function setUpTest(rig: Rig) {
  const project = makeTempProject(BRANCH);
  const config: DualEnvConfig = project.config();
  if (config.projectName !== projectName) throw new Error(`the temp project drives ${config.projectName}, not the rig's compose project ${projectName}`);
  const backups: DatabaseBackups = databaseBackups(config);
  const deps: OperationDeps = { config, docker: rig.docker, compose: await rigCompose(), backups };
  const production: Environment = config.environments.find((e) => e.isProduction)!;
  const staging: Environment = config.environments.find((e) => !e.isProduction)!;
  /** Every progress event of this test's operations that were given `events.push`. */
  const events: ProgressEvent[] = [];

  const port = (variable: string) => Number(rig.env[variable]);
  const productionUrl = () => `http://127.0.0.1:${port('PRODUCTION_HTTP_PORT')}`;
  const database = () => productionDatabase(rig);
  const stagingDatabase = () => mysql.createConnection({
    host: '127.0.0.1', port: port('STAGING_DB_PORT'), user: 'staging_user', password: rig.env.STAGING_DB_PASSWORD, database: 'warehouse_wms_staging',
  });
  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const connection = await database();
    try {
      return (await connection.query(sql, params))[0] as T[];
    } finally {
      await connection.end();
    }
  }
  const hasWarehouse = async (code: string) => (await query<{ n: number }>('SELECT COUNT(*) AS n FROM warehouses WHERE code = ?', [code]))[0].n === 1;
  const addWarehouse = (code: string) => query('INSERT INTO warehouses (code, name, city) VALUES (?, ?, ?)', [code, 'deploy test', 'Testville']);

  /** Production as seen from outside: each container, its image and state, and the data. */
  async function productionSnapshot() {
    const containers = await projectContainers(rig.docker, servicesOf('production'));
    const imageTags = await Promise.all(['wms-frontend', 'wms-backend'].map(async (repo) => (await rig.docker.getImage(`${projectName}/${repo}:production`).inspect()).Id));
    const rows = await query<{ code: string }>('SELECT code FROM warehouses ORDER BY code');
    return {
      containers: containers.map((c) => `${c.Labels['com.docker.compose.service']} ${c.Id} ${c.ImageID} ${c.State}`).sort(),
      imageTags,
      rows: rows.map((r) => r.code),
    };
  }
  const remoteTags = () => project.remoteGit('tag', '--list').trim();
  const deploy = (options: Partial<DeployProductionOptions> = {}, signal = never()) =>
    deployProduction(deps, { confirm: async () => true, stagingFirst: 'ask', healthTimeoutSeconds: 120, ...options }, signal, (e) => events.push(e));
  /**
   * Deploys a backend that builds fine but cannot start: Docker looks its USER up only when `up` starts it.
   * In a maintenance window the old backend is stopped first, so production has changed when it fails.
   */
  const deployUnstartable = (autoRollback: boolean, maintenanceWindow = false) => {
    project.write('examples/wms/backend/Dockerfile', project.read('examples/wms/backend/Dockerfile').replace('USER nobody', 'USER no-such-user'));
    return deploy({ autoRollback, maintenanceWindow, message: `unknown user (auto-rollback ${autoRollback})` });
  };
  /** A backup of production as it runs now, taken outside any deploy: a rollback target of this test's own. */
  const manualBackup = (input: BackupDatabaseInput = {}) => backupDatabase({ config, environment: production, docker: rig.docker }, { retention: false, ...input }, never());
  const version = async (httpPortVariable: string) => (await (await fetch(`http://127.0.0.1:${port(httpPortVariable)}/api/version`)).json()) as { commit: string };

  return {
    rig, project, config, deps, backups, production, staging, events,
    port, productionUrl, database, stagingDatabase, query, hasWarehouse, addWarehouse, productionSnapshot, remoteTags,
    deploy, deployUnstartable, manualBackup, version,
  };
}
