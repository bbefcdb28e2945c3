// Measures the packaged extension: VSIX size, and activation time as VS Code itself
// reports it (Developer: Show Running Extensions) in code-server on the rig, over
// several fresh windows. Prints a markdown table for BENCHMARKS.md.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../test/e2e/harness';
import { Workbench } from '../../test/e2e/workbench';
import { startRig } from '../../test/rig';
import { makeTempProject } from '../../test/support/tempProject';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function activationMs(folder: string): Promise<{ ms: number; kind: string }> {
  const workbench = await Workbench.open(folder);
  try {
    await workbench.runCommand('Developer: Show Running Extensions');
    const row = workbench.page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Dual Env' });
    await row.getByText(/Activation: \d+ms/).waitFor({ timeout: 30_000 });
    const match = /(Startup )?Activation: (\d+)ms/.exec(await row.innerText());
    if (!match) throw new Error('VS Code did not report the activation time of Dual Env.');
    return { ms: Number(match[2]), kind: match[1] ? 'startup' : 'on demand' };
  } finally {
    await workbench.close();
  }
}

async function main(): Promise<void> {
  await startRig(['staging', 'production']);
  const vsix = path.join(repoRoot, 'dual-env.vsix');
  const sizes = ['dual-env.vsix', 'dist/extension.js', 'dist/engine.js', 'dist/cli.js']
    .map((file) => [file, fs.statSync(path.join(repoRoot, file)).size] as const);
  const times: number[] = [];
  const project = makeTempProject('bench/extension');
  try {
    for (let run = 0; run < RUNS; run++) {
      const { ms, kind } = await activationMs(project.dir);
      times.push(ms);
      console.error(`run ${run + 1}/${RUNS}: ${ms} ms (${kind})`);
    }
  } finally {
    project.remove();
  }
  times.sort((a, b) => a - b);
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  console.log(`| measure | value |\n|---|---|`);
  for (const [file, bytes] of sizes) console.log(`| ${file === 'dual-env.vsix' ? 'VSIX (compressed)' : file} | ${kib(bytes)} |`);
  console.log(`| activation, median of ${RUNS} | ${times[Math.floor(times.length / 2)]} ms |`);
  console.log(`| activation, min / max | ${times[0]} / ${times.at(-1)} ms |`);
  if (!fs.existsSync(vsix)) throw new Error('dual-env.vsix is missing; run npm run package.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
