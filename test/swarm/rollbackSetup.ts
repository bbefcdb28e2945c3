// What the Swarm extension-host driver prepares, with the CLI as a user would, for the
// host's rollback from the tree: the database project (MySQL 9: the CLI test covers
// MariaDB too) deployed as v1 with two rows, deployed again as v2 (which took the
// verified backup that recorded v1's image), then data written after that backup. The
// host rolls back to it; the driver checks the result against `expected` from outside.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Swarm } from '../rig';
import { runCli } from '../support/cliRun';
import { databaseProject, type DatabaseProject } from './databaseProject';
import { runningTasks } from './deployProject';

/** The rows the backup holds, as `SELECT id, name FROM items ORDER BY id` returns them. */
export const BACKUP_ROWS = [{ id: 1, name: 'from v1' }, { id: 2, name: 'kept' }];

export interface RollbackSetup {
  project: DatabaseProject;
  /** The backup v2's deploy took, and the image of web it recorded (v1's). */
  backupId: string;
  v1Image: string;
  /** What the host reads: the project to open, the backup to roll back to, the image the modal must name. */
  env: { dir: string; backupId: string; v1Image: string };
}

async function query(project: DatabaseProject, sql: string): Promise<unknown> {
  const connection = await project.connect();
  try {
    return (await connection.query(sql))[0];
  } finally {
    await connection.end();
  }
}

/** The rows of `items` now, read through the database's node. */
export const currentRows = (project: DatabaseProject) => query(project, 'SELECT id, name FROM items ORDER BY id');

export async function deployedTwice(swarm: Swarm): Promise<RollbackSetup> {
  const project = await databaseProject(swarm, 'mysql');
  try {
    const first = await runCli(project.file, 'deploy', 'production', '--yes');
    assert.equal(first.code, 0, `the first deploy failed: ${first.stderr}`);
    await query(project, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40)); INSERT INTO items VALUES (1, 'from v1'), (2, 'kept')");
    const [v1] = await runningTasks(swarm, 'web', project.stack);

    fs.writeFileSync(path.join(project.dir, 'web', 'index.html'), 'web v2\n');
    project.git('commit', '-qam', 'web v2');
    const second = await runCli(project.file, 'deploy', 'production', '--yes');
    assert.equal(second.code, 0, `the second deploy failed: ${second.stderr}`);
    const backupId = /\(tag production-\S+, backup (\d{8}-\d{6})\)/.exec(second.stdout)?.[1];
    assert.ok(backupId, `the second deploy named no backup: ${second.stdout}`);

    await query(project, "UPDATE items SET name = 'broken by v2' WHERE id = 1; INSERT INTO items VALUES (3, 'written by v2')");
    return {
      project, backupId, v1Image: v1.image,
      env: { dir: project.dir, backupId, v1Image: v1.image },
    };
  } catch (error) {
    await project.remove().catch(() => undefined);
    throw error;
  }
}
