// A Swarm production whose database is a single-replica service pinned to
// dual-env-swarm-2 with a volume, on MySQL 9 and on MariaDB 10.11: `dual-env deploy
// production` takes the verified backup through that node (ssh -W to its published
// port; the backups volume on its engine) before the stack changes, and refuses in
// one sentence, the stack as it was, when it cannot; `dual-env rollback production`
// brings back that backup's data (through the node, a safety backup first) and the
// stack's previous images from the registry.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backupVolumeName } from '../../src/core/database';
import { DATABASE_SERVERS, startSwarm, type DatabaseServerKind, type Swarm } from '../rig';
import { runCli } from '../support/cliRun';
import { DATABASE_NODE, databaseProject, type DatabaseProject } from './databaseProject';
import { runningTasks } from './deployProject';

interface ListedBackup { id: string; verified: boolean; rows?: number; reason?: string; images?: Record<string, string> }

for (const kind of ['mysql', 'mariadb'] as DatabaseServerKind[]) {
  describe(`a Swarm production with its database on ${DATABASE_SERVERS[kind].label}`, { timeout: 1_200_000 }, () => {
    let swarm: Swarm;
    let project: DatabaseProject;
    const nodeName = `dual-env-swarm-${DATABASE_NODE}`;
    const backups = async () => {
      const listed = await runCli(project.file, 'backups', 'production', '--json');
      assert.equal(listed.code, 0, listed.stderr);
      return JSON.parse(listed.stdout) as ListedBackup[];
    };

    before(async () => {
      swarm = await startSwarm();
      project = await databaseProject(swarm, kind);
    });
    after(() => project?.remove());

    it('deploys the stack with the database on its node; a first deploy has no data to back up', async () => {
      const result = await runCli(project.file, 'deploy', 'production', '--yes');
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /backup:/);
      const tasks = await runningTasks(swarm, 'database', project.stack);
      assert.deepEqual(tasks.map((t) => [t.node, t.state]), [[nodeName, 'running']], JSON.stringify(tasks));
      const connection = await project.connect();
      try {
        await connection.query("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40)); INSERT INTO items VALUES (1, 'from v1'), (2, 'kept')");
      } finally {
        await connection.end();
      }
    });

    it('takes a verified backup through the database\'s node before the stack changes, then deploys', async () => {
      const served = (await runningTasks(swarm, 'web', project.stack))[0].image;
      fs.writeFileSync(path.join(project.dir, 'web', 'index.html'), 'web v2\n');
      project.git('commit', '-qam', 'web v2');
      const result = await runCli(project.file, 'deploy', 'production', '--yes');
      assert.equal(result.code, 0, result.stderr);
      const id = /\(tag production-\S+, backup (\d{8}-\d{6})\)/.exec(result.stdout)?.[1];
      assert.ok(id, result.stdout);
      const taken = result.stderr.indexOf(`✓ backup: Backup ${id} taken and verified`);
      assert.ok(taken >= 0 && taken < result.stderr.indexOf('build:'), result.stderr);

      const [backup] = await backups();
      assert.equal(backup.id, id);
      assert.equal(backup.verified, true);
      assert.equal(backup.rows, 2);
      assert.deepEqual(backup.images?.web, served, 'the images the stack ran, for a rollback');
      const verify = await runCli(project.file, 'verify', 'production', id);
      assert.equal(verify.code, 0, verify.stderr);
      // on the database's node, not on the manager
      const volume = backupVolumeName(project.projectName, 'production');
      assert.ok(await swarm.nodes[DATABASE_NODE - 1].docker.getVolume(volume).inspect());
      await assert.rejects(swarm.manager.docker.getVolume(volume).inspect(), { statusCode: 404 });

      const history = JSON.parse((await runCli(project.file, 'history', 'production', '--json')).stdout) as Array<{ outcome: string; backupId?: string }>;
      assert.deepEqual([history[0].outcome, history[0].backupId], ['succeeded', id]);
      const web = await runningTasks(swarm, 'web', project.stack);
      assert.ok(web.length === 1 && web[0].image !== served && web[0].state === 'running', JSON.stringify(web));
    });

    it('refuses in one sentence when no verified backup can be taken, the stack and the repository as they were', async () => {
      const served = (await runningTasks(swarm, 'web', project.stack))[0].image;
      const tags = project.git('tag');
      fs.writeFileSync(path.join(project.dir, 'web', 'index.html'), 'web v3\n');
      project.git('commit', '-qam', 'web v3');
      const before = (await backups()).length;
      const rootPassword = process.env.DB_ROOT_PASSWORD;
      process.env.DB_ROOT_PASSWORD = 'not-the-root-password';
      try {
        const result = await runCli(project.file, 'deploy', 'production', '--yes');
        assert.equal(result.code, 1, result.stdout);
        const node = swarm.names.nodes[DATABASE_NODE - 1].serverIp;
        assert.match(result.stderr.trim().split('\n').at(-1) ?? '', new RegExp(`^dual-env: No verified backup of shop could be taken \\(Could not connect to the database shop as root@127\\.0\\.0\\.1:\\d+ on ${node.replace(/\./g, '\\.')} \\(over SSH\\): .*Access denied.*\\), so Production was not deployed and runs as before\\.$`));
        assert.doesNotMatch(result.stderr, /build:|push:|deploy:/);
        assert.doesNotMatch(result.stderr, /not-the-root-password/);
      } finally {
        if (rootPassword === undefined) delete process.env.DB_ROOT_PASSWORD;
        else process.env.DB_ROOT_PASSWORD = rootPassword;
      }
      assert.equal(project.git('tag'), tags);
      assert.equal((await backups()).length, before);
      const web = await runningTasks(swarm, 'web', project.stack);
      assert.ok(web.length === 1 && web[0].image === served, JSON.stringify(web));
    });

    it('rolls back a deploy that passed and proved wrong: the data of its backup, restored through the node, and the images of v1', async () => {
      const [backup] = await backups();
      const v1 = backup.images?.web;
      assert.ok(v1, JSON.stringify(backup));
      const connection = await project.connect();
      try {
        await connection.query("UPDATE items SET name = 'broken by v2' WHERE id = 1; INSERT INTO items VALUES (3, 'written by v2')");
      } finally {
        await connection.end();
      }

      const result = await runCli(project.file, 'rollback', 'production', '--yes');
      assert.equal(result.code, 0, result.stderr);
      const safety = new RegExp(`^Rolled Production back to backup ${backup.id}; safety backup of the state before: (\\d{8}-\\d{6})$`, 'm').exec(result.stdout)?.[1];
      assert.ok(safety, result.stdout);

      const check = await project.connect();
      try {
        const [rows] = await check.query('SELECT id, name FROM items ORDER BY id');
        assert.deepEqual(rows, [{ id: 1, name: 'from v1' }, { id: 2, name: 'kept' }]);
      } finally {
        await check.end();
      }
      const web = await runningTasks(swarm, 'web', project.stack);
      assert.ok(web.length === 1 && web[0].image === v1 && web[0].state === 'running', JSON.stringify(web));
      const kept = (await backups()).find((b) => b.id === safety);
      assert.ok(kept?.verified && kept.rows === 3, JSON.stringify(kept));
      const history = JSON.parse((await runCli(project.file, 'history', 'production', '--json')).stdout) as Array<{ operation: string; outcome: string; restoredBackupId?: string; backupId?: string }>;
      assert.deepEqual([history[0].operation, history[0].outcome, history[0].restoredBackupId, history[0].backupId], ['rollback', 'succeeded', backup.id, safety]);
    });

    it('refuses a first deploy onto a volume an earlier stack left with data: no backup could account for it', async () => {
      const manager = swarm.manager.docker;
      for (const service of ['web', 'database']) await manager.getService(`${project.stack}_${service}`).remove();
      const volume = `${project.stack}_database_data`;
      assert.ok(await swarm.nodes[DATABASE_NODE - 1].docker.getVolume(volume).inspect(), 'the data outlives its stack');
      const tags = project.git('tag');
      const result = await runCli(project.file, 'deploy', 'production', '--yes');
      assert.equal(result.code, 1, result.stdout);
      assert.equal(result.stderr.trim().split('\n').at(-1), `dual-env: Production's database service ${project.stack}_database is not on the swarm, but its volume ${volume} on ${nodeName} is, with data no backup can reach while no database runs on it; deploying would start the database on it unbacked. Back that volume up or remove it, then deploy again.`);
      assert.equal(project.git('tag'), tags);
      await assert.rejects(manager.getService(`${project.stack}_database`).inspect(), { statusCode: 404 });
    });
  });
}
