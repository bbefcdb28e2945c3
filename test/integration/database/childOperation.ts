// Runs one backup or restore in its own process, so a test can cap its memory
// (--max-old-space-size) or kill it midway. Credentials come through the
// environment (never argv); progress and the result go to stdout as JSON lines.
import { createBackup, restoreBackup } from '../../../src/core/database';

interface Request {
  op: 'backup' | 'restore';
  folder: string;
  backupId?: string;
  parallel?: number;
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2]) as Request;
  const credentials = JSON.parse(process.env.DUAL_ENV_TEST_CREDENTIALS ?? '{}');
  const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  const signal = new AbortController().signal;
  let peakRss = 0;
  const sample = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 20);
  const result = request.op === 'backup'
    ? await createBackup({ credentials, folder: request.folder, dump: { parallel: request.parallel } }, { environment: 'staging' }, signal, (event) => print({ event }))
    : await restoreBackup({ credentials, folder: request.folder, parallel: request.parallel }, { backupId: request.backupId!, safetyBackup: false }, signal, (event) => print({ event }));
  clearInterval(sample);
  print({ result: { id: 'id' in result ? result.id : result.backupId }, peakRss: Math.max(peakRss, process.resourceUsage().maxRSS * 1024) });
}

main().catch((error: Error) => {
  process.stdout.write(`${JSON.stringify({ error: error.message, name: error.name })}\n`);
  process.exitCode = 1;
});
