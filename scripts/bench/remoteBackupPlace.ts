// Wall time of one backup of the rig's remote production database stored in its
// volume on the server, against the same backup (same credentials, same ssh -W
// route) stored in a folder on this machine. `npx tsx scripts/bench/remoteBackupPlace.ts [rows]`
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { folderPlace } from '../../src/core/database';
import { backupCredentials, databaseOf } from '../../src/core/operations/backupDatabase';
import { backupPlaceOf } from '../../src/core/operations/backupPlaceOf';
import { ensureRemoteHalf, startRemoteServer } from '../../test/rig';
import { remoteProject, sqlOnServer } from '../../test/remote/helpers';

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 200_000);
  const server = await startRemoteServer();
  await ensureRemoteHalf(server, 'production');
  const project = remoteProject(server);
  const local = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-bench-'));
  try {
    const config = project.config();
    const production = config.environments.find((e) => e.name === 'production')!;
    await sqlOnServer(server, `DROP TABLE IF EXISTS bench_bulk; CREATE TABLE bench_bulk (id INT AUTO_INCREMENT PRIMARY KEY, pad VARCHAR(200));`
      + ` INSERT INTO bench_bulk (pad) SELECT CONCAT(SHA2(RAND(), 256), SHA2(RAND(), 256)) FROM information_schema.columns a, information_schema.columns b LIMIT ${rows}`);
    const credentials = await backupCredentials(config, databaseOf(production));
    const signal = new AbortController().signal;
    const time = async (label: string, run: () => Promise<{ sizeBytes: number }>) => {
      const started = process.hrtime.bigint();
      const record = await run();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      process.stdout.write(`${label}: ${seconds.toFixed(2)} s, dump ${(record.sizeBytes / 1048576).toFixed(1)} MiB\n`);
    };
    await time('stored on the server (volume)', () => backupPlaceOf(config, production).create({ credentials }, { environment: 'production' }, signal));
    await time('stored on this machine (folder)', () => folderPlace(local).create({ credentials }, { environment: 'production' }, signal));
  } finally {
    await sqlOnServer(server, 'DROP TABLE IF EXISTS bench_bulk').catch(() => undefined);
    fs.rmSync(local, { recursive: true, force: true });
    project.remove();
  }
}

void main().catch((error: unknown) => { process.stderr.write(`${String(error)}\n`); process.exitCode = 1; });
