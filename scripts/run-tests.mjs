// Runs the test suites named on the command line with node's test runner (TypeScript
// through tsx). Node 20's --test takes no globs, so the files are listed here.
// Integration suites share one Docker rig, so their files run one at a time.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const suites = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const extra = process.argv.slice(2).filter((a) => a.startsWith('--'));
if (suites.length === 0) suites.push('unit');

function testFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    // test/vscode/suite runs inside VS Code's extension host, driven by test/vscode/*.test.ts
    if (entry.isDirectory()) return entry.name === 'suite' ? [] : testFiles(full);
    return /\.test\.ts$/.test(entry.name) ? [full] : [];
  }).sort();
}

const files = suites.flatMap((suite) => testFiles(path.join('test', suite)));
if (files.length === 0) {
  console.error(`no test files in: ${suites.join(', ')}`);
  process.exit(1);
}
const serial = suites.some((s) => s !== 'unit');
// spec for people on stdout, TAP to a file for the closing `N passed, N failed` line
const tapFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-tests-')), 'results.tap');
const args = [
  '--import', 'tsx', '--test',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
  ...(serial ? ['--test-concurrency=1'] : []), ...extra, ...files,
];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
const tap = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
const passed = count('pass');
const failed = count('fail') + count('cancelled');
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(result.status ?? 1);
