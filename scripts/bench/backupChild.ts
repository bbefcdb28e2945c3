// The child process of `npm run bench:backup`: one backup or restore with our
// engine, then a JSON line with the backup id and the process's peak RSS.
// Usage: node backupChild.js backup|restore <folder> <connections> [<backup id>]
import type { DatabaseCredentials } from '../../src/core/config/credentials';
import { createBackup, restoreBackup } from '../../src/core/database';

const RESTORE_TARGET = 'dualenv_bench_ours';

async function main(): Promise<void> {
  const [op, folder, parallel, backupId] = process.argv.slice(2);
  const credentials = JSON.parse(process.env.DUAL_ENV_BENCH_CREDENTIALS!) as DatabaseCredentials;
  let peak = 0;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 10);
  const signal = new AbortController().signal;
  const id = op === 'backup'
    ? (await createBackup({ credentials, folder, dump: { parallel: Number(parallel) } }, { environment: 'bench' }, signal)).id
    : (await restoreBackup({ credentials: { ...credentials, database: RESTORE_TARGET }, folder, parallel: Number(parallel) }, { backupId, safetyBackup: false }, signal)).backupId;
  clearInterval(timer);
  peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  process.stdout.write(`${JSON.stringify({ id, peakRssMb: Math.round(peak / 1024 / 1024) })}\n`);
}

main().catch((error: Error) => { console.error(error.message); process.exit(1); });
