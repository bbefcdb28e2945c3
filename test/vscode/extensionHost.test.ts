// Runs the mocha suite in test/vscode/suite inside a real extension host and reports
// each of its tests to node's test runner. The host is code-server (offline, works in
// CI here) unless DUAL_ENV_VSCODE=desktop, which downloads desktop VS Code through
// @vscode/test-electron and runs the same suite there.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { format } from 'node:util';
import * as esbuild from 'esbuild';
import { startRig } from '../rig';
import { makeTempProject, type TempProject } from '../support/tempProject';
import { launchBrowser, repoRoot, startCodeServer, workbenchUrl } from '../e2e/harness';
import type { HostTestResult } from './suite/index';

const suiteSource = path.join(__dirname, 'suite');
const suiteOut = path.join(repoRoot, '.vscode-test', 'suite');
const HOST_TIMEOUT_MS = 180_000;

/**
 * The suite as the extension host loads it: index.js and one bundle per *.test.ts
 * (so that tests can use the engine's own helpers), with vscode and mocha left to the host.
 */
async function buildSuite(): Promise<string> {
  fs.rmSync(suiteOut, { recursive: true, force: true });
  const entryPoints = fs.readdirSync(suiteSource).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => path.join(suiteSource, f));
  await esbuild.build({
    entryPoints, outdir: suiteOut, bundle: true, external: ['vscode', 'mocha'],
    format: 'cjs', platform: 'node', target: 'node20', sourcemap: 'inline', logLevel: 'warning',
  });
  return path.join(suiteOut, 'index.js');
}

async function runInCodeServer(testsPath: string, resultsFile: string, folder: string): Promise<void> {
  const server = await startCodeServer({ env: { DUAL_ENV_TEST_RESULTS: resultsFile } });
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

async function runInDesktopVsCode(testsPath: string, resultsFile: string, folder: string): Promise<void> {
  const { runTests } = await import('@vscode/test-electron');
  await runTests({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: testsPath,
    launchArgs: [folder, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: { DUAL_ENV_TEST_RESULTS: resultsFile },
  }).catch(() => { /* the failures are in the results file */ });
}

describe(`extension-host suite (${process.env.DUAL_ENV_VSCODE === 'desktop' ? 'desktop VS Code' : 'code-server'})`, () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-host-'));
  const resultsFile = path.join(scratch, 'results.json');
  let results: HostTestResult[] = [];
  // the open folder: a temp git copy of the project on a production branch, driving the rig's containers
  let project: TempProject | undefined;

  before(async () => {
    await startRig(['staging', 'production']);
    project = makeTempProject('stable/prisma-mysql-host');
    const testsPath = await buildSuite();
    await (process.env.DUAL_ENV_VSCODE === 'desktop' ? runInDesktopVsCode : runInCodeServer)(testsPath, resultsFile, project.dir);
    if (!fs.existsSync(resultsFile)) throw new Error('the extension host wrote no results; run with VERBOSE=1 to see its console.');
    results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  });

  after(() => {
    project?.remove();
    fs.rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });

  it('ran the suite inside the extension host', async (t) => {
    assert.ok(results.length > 0, 'the suite reported no tests');
    for (const result of results) {
      await t.test(result.title, () => {
        if (result.state === 'failed') assert.fail(result.error ?? 'failed');
      });
    }
  });
});
