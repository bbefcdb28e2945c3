// A backup while the database's node is the one being updated, on MySQL 9 and MariaDB
// 10.11: a Swarm production's database is one task pinned to dual-env-swarm-2, so an
// update of its service replaces that task in place (stop-first), and a drained node
// leaves it no task at all. Either way a backup ends verified or in one sentence that
// says so, no broken backup is listed, a deploy refuses with the stack as it was, and
// the data is whole once the task is back.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type mysql from 'mysql2/promise';
import { DATABASE_SERVERS, managerDocker, startSwarm, type DatabaseServerKind, type Swarm } from '../rig';
import { runCli, type CliResult } from '../support/cliRun';
import { DATABASE_NODE, databaseProject, type DatabaseProject } from './databaseProject';
import { runningTasks } from './deployProject';

interface ListedBackup { id: string; verified: boolean; rows?: number }

const ROWS = 500;
const nodeName = `dual-env-swarm-${DATABASE_NODE}`;
const lastLine = (result: CliResult) => result.stderr.trim().split('\n').at(-1) ?? '';

/** Polls `check` until it says yes: Swarm and the server take their own time, and the suite's timeout bounds it. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check().catch(() => false))) await new Promise((resolve) => setTimeout(resolve, 500));
}

for (const kind of ['mysql', 'mariadb'] as DatabaseServerKind[]) {
  describe(`a backup while the node of a Swarm production's database on ${DATABASE_SERVERS[kind].label} is updated`, { timeout: 1_200_000 }, () => {
    let swarm: Swarm;
    let project: DatabaseProject;
    const service = () => `${project.stack}_database`;
    const backups = async () => {
      const listed = await runCli(project.file, 'backups', 'production', '--json');
      assert.equal(listed.code, 0, listed.stderr);
      return JSON.parse(listed.stdout) as ListedBackup[];
    };
    const query = async <T>(sql: string): Promise<T> => {
      const connection = await project.connect();
      try {
        return (await connection.query(sql))[0] as T;
      } finally {
        await connection.end();
      }
    };
    /** The items' count and content checksum: what must survive every case. */
    const items = () => query<Array<{ n: number; sum: string }>>('SELECT COUNT(*) AS n, CAST(SUM(CRC32(CONCAT(id, name))) AS CHAR) AS sum FROM items').then(([row]) => row);
    /** The database's task runs on its node and its server answers. */
    const databaseBack = () => until(async () => {
      const tasks = await runningTasks(swarm, 'database', project.stack);
      return tasks.length === 1 && tasks[0].state === 'running' && tasks[0].node === nodeName && (await items()).n === ROWS;
    });
    const backupVerifies = async () => {
      const result = await runCli(project.file, 'backup', 'production');
      assert.equal(result.code, 0, result.stderr);
      const [newest] = await backups();
      assert.ok(newest.verified && newest.rows === ROWS, JSON.stringify(newest));
    };

    before(async () => {
      swarm = await startSwarm();
      project = await databaseProject(swarm, kind);
      const deployed = await runCli(project.file, 'deploy', 'production', '--yes');
      assert.equal(deployed.code, 0, deployed.stderr);
      const values = Array.from({ length: ROWS }, (_, i) => `(${i + 1}, 'item ${i + 1}')`).join(', ');
      await query(`CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40)); INSERT INTO items VALUES ${values}`);
    });
    after(async () => {
      // a failed case must not leave the node drained for the next file
      if (swarm) managerDocker(swarm, ['node', 'update', '--availability', 'active', nodeName]);
      await project?.remove();
    });

    it('a backup reading the database while an update of its service replaces the task fails in one sentence, lists nothing broken, and the data is whole after', async () => {
      await backupVerifies();
      const before = await items();
      const listedBefore = await backups();
      // the backup reads items only once this lock is gone, which the task's replacement does: it is mid-dump then, every run
      const holder: mysql.Connection = await project.connect();
      holder.on('error', () => undefined);
      await holder.query('LOCK TABLES items WRITE');
      const backup = runCli(project.file, 'backup', 'production');
      await until(async () => (await query<unknown[]>("SELECT ID FROM information_schema.PROCESSLIST WHERE STATE LIKE 'Waiting for table%lock'")).length > 0);
      // what a stack deploy that changes the database's environment does: Swarm replaces its one task on its node, stop-first;
      // watched for 1 s, not the deploy's health timeout, before Swarm calls it done
      managerDocker(swarm, ['service', 'update', '--detach', '--update-monitor', '1s', '--env-add', `DUAL_ENV_TEST_UPDATE=${Date.now()}`, service()]);
      const result = await backup;
      holder.destroy();
      assert.doesNotMatch(result.stderr, /interrupted|ECONNRESET|connection lost/i, 'the driver\'s words are not the sentence');

      assert.equal(result.code, 1, result.stdout);
      assert.equal(lastLine(result), `dual-env: Backup of shop failed because Production's database task on ${nodeName} was replaced (a deploy or an update of its service) while the backup read it, so no backup was kept; back up again once docker service ps ${service()} shows it running.`);
      await databaseBack();
      // Swarm watches the new task a while before it calls the update done; a drain meanwhile would roll it back
      const updateState = async () => ((await swarm.manager.docker.getService(service()).inspect()) as { UpdateStatus?: { State?: string } }).UpdateStatus?.State;
      await until(async () => (await updateState()) !== 'updating');
      assert.equal(await updateState(), 'completed');
      assert.deepEqual(await items(), before);
      const listed = await backups();
      assert.deepEqual(listed.map((b) => [b.id, b.verified]), listedBefore.map((b) => [b.id, b.verified]), 'no partial or unverified backup is listed');
      await backupVerifies();
    });

    it('a drained node leaves the database no task: backup and deploy refuse in one sentence naming the node, the stack as it was; active again, the data is back', async () => {
      const before = await items();
      // the specs, not their versions: Swarm bumps a version as it records an update's end
      const specs = async () => Promise.all(['web', 'database'].map(async (s) => (await swarm.manager.docker.getService(`${project.stack}_${s}`).inspect()).Spec as unknown));
      const stackBefore = await specs();
      managerDocker(swarm, ['node', 'update', '--availability', 'drain', nodeName]);
      await until(async () => (await runningTasks(swarm, 'database', project.stack)).every((t) => t.state !== 'running'));
      const refusal = `Production's database service ${service()} has no running task: it is pinned to the node ${nodeName}, which is drained, so its database cannot be reached; make the node active again (docker node update --availability active ${nodeName}).`;

      const backup = await runCli(project.file, 'backup', 'production');
      assert.equal(backup.code, 1, backup.stdout);
      assert.equal(lastLine(backup), `dual-env: ${refusal}`);

      fs.writeFileSync(path.join(project.dir, 'web', 'index.html'), 'web v2\n');
      project.git('commit', '-qam', 'web v2');
      const tags = project.git('tag');
      const deploy = await runCli(project.file, 'deploy', 'production', '--yes');
      assert.equal(deploy.code, 1, deploy.stdout);
      assert.equal(lastLine(deploy), `dual-env: No verified backup of shop could be taken (${refusal.replace(/\.$/, '')}), so Production was not deployed and runs as before.`);
      assert.doesNotMatch(deploy.stderr, /build:|push:|deploy:/);
      assert.equal(project.git('tag'), tags);
      assert.deepEqual(await specs(), stackBefore, 'the stack as it was');

      managerDocker(swarm, ['node', 'update', '--availability', 'active', nodeName]);
      await databaseBack();
      assert.deepEqual(await items(), before);
      await backupVerifies();
    });
  });
}
