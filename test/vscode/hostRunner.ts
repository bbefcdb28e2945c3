// Builds an extension-host suite and runs it in a real VS Code: what the vscode
// suite's driver (extensionHost.test.ts) does, and the swarm suite's too, which
// runs its own host with a Swarm project while the swarm is up.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import { it } from 'node:test';
import * as esbuild from 'esbuild';
import { launchBrowser, repoRoot, startCodeServer, workbenchUrl } from '../e2e/harness';
import type { HostTestResult } from './suite/index';

// the remote-backups suite waits for a server over SSH, a few seconds per request under load
const HOST_TIMEOUT_MS = 600_000;

/**
 * The suite as the extension host loads it: index.js and one bundle per *.test.ts
 * (so that tests can use the engine's own helpers), with vscode and mocha left to
 * the host, all in `outDir`. Built before the tests are declared, so that each can be
 * declared by name.
 */
export function buildSuite(entryFiles: readonly string[], outDir: string): { indexPath: string; testFiles: string[] } {
  fs.rmSync(outDir, { recursive: true, force: true });
  // named by file: entries from different folders still land side by side, as index.js expects
  const entryPoints = Object.fromEntries(entryFiles.map((file) => [path.basename(file, '.ts'), file]));
  esbuild.buildSync({
    entryPoints, outdir: outDir, bundle: true, external: ['vscode', 'mocha'],
    format: 'cjs', platform: 'node', target: 'node20', sourcemap: 'inline', logLevel: 'warning',
  });
  const testFiles = fs.readdirSync(outDir).filter((f) => f.endsWith('.test.js')).sort().map((f) => path.join(outDir, f));
  return { indexPath: path.join(outDir, 'index.js'), testFiles };
}

export async function runInCodeServer(testsPath: string, resultsFile: string, folder: string, env: NodeJS.ProcessEnv): Promise<void> {
  const server = await startCodeServer({ env: { ...env, DUAL_ENV_TEST_RESULTS: resultsFile } });
  const browser = await launchBrowser();
  try {
    const { page } = browser;
    const exited = new Promise<number>((resolve) => { void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)); });
    // mocha's spec output arrives as console messages of the page
    page.on('console', async (message) => {
      const args = await Promise.all(message.args().map((handle) => handle.jsonValue().catch(() => '?')));
      if (typeof args[0] === 'string' && args[0].startsWith('%c')) args.splice(0, 2);
      const line = format(...args);
      if (process.env.VERBOSE || /^ {2,}(\S|✔|\d+\))|passing|failing/.test(line)) console.log(`# ${line}`);
    });
    const remote = (p: string) => `vscode-remote://${server.authority}${p}`;
    await page.goto(workbenchUrl(server, folder, [['extensionDevelopmentPath', remote(repoRoot)], ['extensionTestsPath', remote(testsPath)]]));
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), HOST_TIMEOUT_MS); })]);
    clearTimeout(timer);
    if (code === 'timeout') throw new Error(`the extension host did not finish the suite in ${HOST_TIMEOUT_MS / 1000} s:\n${server.output()}`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

export async function runInDesktopVsCode(testsPath: string, resultsFile: string, folder: string, env: NodeJS.ProcessEnv): Promise<void> {
  const { runTests } = await import('@vscode/test-electron');
  await runTests({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: testsPath,
    launchArgs: [folder, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: { ...env, DUAL_ENV_TEST_RESULTS: resultsFile },
  }).catch((error: unknown) => {
    // failed tests make runTests reject too, and they are in the results file; anything else is the host's own failure
    if (!fs.existsSync(resultsFile)) throw error;
  });
}

/**
 * One node test per test the host suite declares, each counted once and failed when the
 * host never got to it; `results` is filled and `hostProblem` set by the driver's `before`.
 */
export function itPerHostTest(planned: readonly string[], results: ReadonlyMap<string, HostTestResult>, hostProblem: () => string | undefined): void {
  for (const title of planned) {
    it(title, (t) => {
      const result = results.get(title);
      const problem = hostProblem();
      if (!result) assert.fail(problem ? `the extension host never ran it: ${problem}` : 'the extension host did not run it');
      if (result.state === 'failed') assert.fail(result.error ?? 'failed');
      if (result.state === 'skipped') t.skip('skipped in the extension host');
    });
  }
}
