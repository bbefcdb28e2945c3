// Entry point the extension host loads through extensionTestsPath (the contract of
// @vscode/test-electron, which code-server honours through the workbench URL's payload).
// Runs every *.test.js beside it with mocha, and writes each result as JSON to
// DUAL_ENV_TEST_RESULTS so that the driver can report them to node's test runner.
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

export interface HostTestResult {
  title: string;
  state: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  error?: string;
}

export function run(): Promise<void> {
  // DUAL_ENV_TEST_GREP (inherited through code-server) runs only the tests whose full title matches, while working on them
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: 'spec', grep: process.env.DUAL_ENV_TEST_GREP || undefined });
  for (const file of fs.readdirSync(__dirname).sort()) {
    if (file.endsWith('.test.js')) mocha.addFile(path.join(__dirname, file));
  }
  const results: HostTestResult[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const file = process.env.DUAL_ENV_TEST_RESULTS;
      if (file) fs.writeFileSync(file, JSON.stringify(results, null, 2));
      if (failures > 0) reject(new Error(`${failures} extension-host tests failed.`));
      else resolve();
    });
    runner.on('pass', (test) => results.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0 }));
    runner.on('pending', (test) => results.push({ title: test.fullTitle(), state: 'skipped', durationMs: 0 }));
    runner.on('fail', (test, error: Error) => results.push({
      title: test.fullTitle(), state: 'failed', durationMs: test.duration ?? 0, error: error.stack ?? error.message,
    }));
  });
}
