// Backups of an environment on a remote engine live on that server, in a volume:
// two clones of the project (two laptops) list, verify and restore the same ones,
// a backup cut mid-stream leaves nothing, and a backup reaches a laptop only when pulled.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { DualEnvConfig, Environment } from '../../src/core/config';
import { backupVolumeName, verifyBackup } from '../../src/core/database';
import { backupDatabase } from '../../src/core/operations/backupDatabase';
import { backupPlaceOf } from '../../src/core/operations/backupPlaceOf';
import { restoreDatabase } from '../../src/core/operations/restoreDatabase';
import { DATABASE_SERVERS, ensureRemoteHalf, projectContainers, repoRoot, stackServer, startRemoteServer, type RemoteServer } from '../rig';
import { cutSshConnections, remoteProject, sqlOnServer } from './helpers';
import type { TempProject } from '../support/tempProject';

/** What the volume holds, read through the server's own socket: a path independent of the one under test. */
async function volumeEntries(server: RemoteServer, volume: string): Promise<string[]> {
  const [database] = await projectContainers(server.docker, ['production-database']);
  const container = await server.docker.createContainer({
    Image: database.ImageID, Entrypoint: ['ls', '-A', '/v'], Cmd: [], User: '0:0',
    HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: volume, Target: '/v', ReadOnly: true }] },
  });
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const out = new PassThrough();
    server.docker.modem.demuxStream(stream, out, new PassThrough());
    await container.start();
    await container.wait();
    return String(out.read() ?? '').split('\n').filter(Boolean);
  } finally {
    await container.remove({ force: true });
  }
}

/** The `dual-env` CLI in a project, as a user at that laptop runs it (the rig's ssh first in PATH). */
function cli(server: RemoteServer, project: TempProject, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // tsx resolves from the repository; the project is named by its compose file
    const main = path.join(repoRoot, 'src', 'cli', 'main.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--file', path.join(project.dir, 'docker-compose-dual-env.yml'), ...args], { cwd: repoRoot, env: server.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe(`backups of a remote environment live on its server (${DATABASE_SERVERS[stackServer].label})`, () => {
  let server: RemoteServer;
  let laptopA: TempProject;
  let laptopB: TempProject;
  let configA: DualEnvConfig;
  let configB: DualEnvConfig;
  let productionA: Environment;
  let productionB: Environment;
  let volume: string;
  let taken: string;
  const marker = `rb_marker_${crypto.randomBytes(4).toString('hex')}`;
  const bulk = `rb_bulk_${crypto.randomBytes(4).toString('hex')}`;
  const pulledTo = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-pulled-'));

  before(async () => {
    server = await startRemoteServer();
    await ensureRemoteHalf(server, 'production');
    laptopA = remoteProject(server);
    laptopB = remoteProject(server);
    configA = laptopA.config();
    configB = laptopB.config();
    productionA = configA.environments.find((e) => e.name === 'production')!;
    productionB = configB.environments.find((e) => e.name === 'production')!;
    volume = backupVolumeName(configA.projectName, 'production');
    await sqlOnServer(server, `CREATE TABLE ${marker} (id INT PRIMARY KEY, note VARCHAR(40)); INSERT INTO ${marker} VALUES (1, 'as backed up')`);
    // large enough that a backup is still streaming when its connections are cut
    await sqlOnServer(server, `CREATE TABLE ${bulk} (id INT AUTO_INCREMENT PRIMARY KEY, pad VARCHAR(200));`
      + ` INSERT INTO ${bulk} (pad) SELECT CONCAT(SHA2(RAND(), 256), SHA2(RAND(), 256)) FROM information_schema.columns a, information_schema.columns b LIMIT 200000`);
  });
  after(async () => {
    await sqlOnServer(server, `DROP TABLE IF EXISTS ${marker}; DROP TABLE IF EXISTS ${bulk}`).catch(() => undefined);
    laptopA?.remove();
    laptopB?.remove();
    fs.rmSync(pulledTo, { recursive: true, force: true });
  });

  it('a backup taken by laptop A is written on the server, not on A', async () => {
    const record = await backupDatabase({ config: configA, environment: productionA }, { reason: 'laptop A' }, new AbortController().signal);
    taken = record.id;
    assert.equal(record.verified, true);
    assert.ok(record.manifest!.tables.some((t) => t.name === marker));
    assert.ok((await volumeEntries(server, volume)).includes(taken), `the volume on the server holds ${taken}`);
    assert.equal(fs.existsSync(path.join(productionA.backups.folder, taken)), false, 'nothing of it is in laptop A\'s backups folder');
  });

  it('is listed as verified and verifies whole from laptop B', async () => {
    const place = backupPlaceOf(configB, productionB);
    const listed = (await place.list()).find((b) => b.id === taken);
    assert.ok(listed, `laptop B lists ${taken}`);
    assert.equal(listed.verified, true);
    const result = await place.verify(taken);
    assert.deepEqual(result.problems, []);
    assert.equal(result.ok, true);
  });

  it('is restored by laptop B', async () => {
    await sqlOnServer(server, `UPDATE ${marker} SET note = 'changed later' WHERE id = 1`);
    const result = await restoreDatabase({ config: configB, environment: productionB }, { backupId: taken }, new AbortController().signal);
    assert.equal(result.backupId, taken);
    assert.equal(await sqlOnServer(server, `SELECT note FROM ${marker} WHERE id = 1`), 'as backed up');
    // the safety backup of what production held went to the server too, where laptop A sees it
    const safety = result.safetyBackup!;
    assert.ok((await backupPlaceOf(configA, productionA).list()).some((b) => b.id === safety.id && b.verified), `laptop A lists the safety backup ${safety.id}`);
  });

  it('cut mid-backup, lists no backup and leaves no partial on the server', async (t) => {
    const place = backupPlaceOf(configB, productionB);
    const before = (await place.list()).map((b) => b.id);
    let cut = 0;
    const backup = backupDatabase({ config: configA, environment: productionA }, { reason: 'to be cut' }, new AbortController().signal, (event) => {
      // once rows are streaming, cut every ssh of this process: database stream, upload and helper alike
      if (cut === 0 && event.step === 'backup' && event.state === 'running' && (event.fraction ?? 0) > 0.05 && (event.fraction ?? 0) < 0.9) cut = cutSshConnections();
    });
    await assert.rejects(backup, (error: Error) => {
      assert.ok(cut > 0, 'ssh connections were cut while the backup streamed');
      t.diagnostic(`the cut backup ended with: ${error.message}`);
      assert.match(error.message, /no backup was kept|failed/);
      return true;
    });
    assert.deepEqual((await place.list()).map((b) => b.id), before, 'the list is as before');
    const left = (await volumeEntries(server, volume)).filter((e) => e.startsWith('.partial-'));
    assert.deepEqual(left, [], 'no partial folder remains on the server');
  });

  it('`dual-env backups` on laptop B lists it, and `backups pull` copies it into B\'s backups folder, verified', async () => {
    const listed = await cli(server, laptopB, ['backups', 'production', '--json']);
    assert.equal(listed.status, 0, listed.stderr);
    const entry = (JSON.parse(listed.stdout) as { id: string; verified: boolean }[]).find((b) => b.id === taken);
    assert.equal(entry?.verified, true, `the CLI lists ${taken} as verified`);
    assert.equal(fs.existsSync(path.join(productionB.backups.folder, taken)), false, 'not on laptop B before the pull');
    const pulled = await cli(server, laptopB, ['backups', 'pull', 'production', taken]);
    assert.equal(pulled.status, 0, pulled.stderr);
    assert.match(pulled.stdout, /copied to .* and verified/);
    const local = await verifyBackup(productionB.backups.folder, taken);
    assert.deepEqual(local.problems, []);
  });

  it('`pull` copies one backup to the laptop, where it verifies', async () => {
    const place = backupPlaceOf(configB, productionB);
    const record = await place.pull!(taken, pulledTo, new AbortController().signal);
    assert.equal(record.id, taken);
    const local = await verifyBackup(pulledTo, taken);
    assert.deepEqual(local.problems, []);
    assert.equal(local.ok, true);
    assert.equal(local.record.manifest!.dump.sha256, (await place.find(taken)).manifest!.dump.sha256);
  });

  it('lists no backups for an environment that never took one, and creates no volume by listing', async () => {
    const never = { ...productionB, name: `never-${crypto.randomBytes(3).toString('hex')}` };
    const unused = backupVolumeName(configB.projectName, never.name);
    assert.deepEqual(await backupPlaceOf(configB, never).list(), []);
    const { Volumes } = await server.docker.listVolumes({ filters: { name: [unused] } });
    assert.deepEqual((Volumes ?? []).map((v) => v.Name), [], `no volume ${unused} on the server`);
  });
});
