// npm run bench:swarm-deploy — issue #16's measures of a Swarm production deploy on the
// rig's 3-node swarm: failed requests through the health-checked front (nginx on the
// manager's host-mode port) during rolling updates of the 2 web replicas, and the time
// from confirmation to every task healthy. A bounded open-loop load (50 requests/s,
// each allowed 10 s) runs for the whole of each `dual-env deploy production --yes`;
// BENCH_DEPLOYS (3) updates, then one whose image fails its health check (Swarm rolls
// it back). The times are the CLI's own: its `✓ confirm` and last step lines.
import fs from 'node:fs';
import path from 'node:path';
import { startSwarm } from '../rig';
import { runCli } from '../support/cliRun';
import { steadyLoad } from '../support/steadyLoad';
import { deployProject } from '../swarm/deployProject';

const DEPLOYS = Number(process.env.BENCH_DEPLOYS ?? 3);

/** Seconds the CLI printed for a step's line (`  12.3s ✓ health: …`). */
function stepAt(stderr: string, pattern: RegExp): number | undefined {
  const line = stderr.split('\n').find((l) => pattern.test(l));
  return line ? Number(/^\s*([\d.]+)s/.exec(line)?.[1]) : undefined;
}

async function main(): Promise<void> {
  const swarm = await startSwarm((line) => process.stderr.write(`[rig] ${line}\n`));
  const project = await deployProject(swarm);
  try {
    const first = await runCli(project.file, 'deploy', 'production', '--yes');
    if (first.code !== 0) throw new Error(`the first deploy failed: ${first.stderr}`);
    const rows: string[] = [];
    for (let n = 1; n <= DEPLOYS + 1; n++) {
      const broken = n === DEPLOYS + 1;
      fs.writeFileSync(path.join(project.dir, 'web', 'index.html'), `web bench ${n}\n`);
      if (broken) fs.appendFileSync(path.join(project.dir, 'web', 'Dockerfile'), 'HEALTHCHECK --interval=1s --timeout=1s --retries=2 CMD false\n');
      project.git('commit', '-qam', `bench ${n}`);
      const load = steadyLoad([project.front], 50);
      const result = await runCli(project.file, 'deploy', 'production', '--yes');
      const { requests, failures } = await load.stop();
      const confirmed = stepAt(result.stderr, /✓ confirm:/);
      const ended = stepAt(result.stderr, /[✓✗] health:/);
      const took = confirmed !== undefined && ended !== undefined ? `${(ended - confirmed).toFixed(1)} s` : '?';
      const outcome = result.code === 0 ? 'succeeded' : broken && /Swarm rolled web back/.test(result.stderr) ? 'rolled back by Swarm' : `failed: ${result.stderr.trim().split('\n').at(-1)}`;
      rows.push(`| ${broken ? 'web failing its health check' : 'web updated'} | ${n} | ${took} | ${outcome} | ${failures.length} of ${requests} |`);
      process.stderr.write(`${rows.at(-1)}\n`);
    }
    process.stdout.write(['| deploy | n | confirmation → all tasks healthy (or rolled back) | outcome | failed requests |', '|---|---|---|---|---|', ...rows].join('\n') + '\n');
  } finally {
    await project.remove();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
