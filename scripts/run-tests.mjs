// Runs the test suites named on the command line with node's test runner (TypeScript
// through tsx). Node 20's --test takes no globs, so the files are listed here.
// Integration suites share one Docker rig, so their files run one at a time.
//
// --matrix runs the operations suite again on the other stacks users run: the
// reference stack on MariaDB (RIG_DATABASE=mariadb) with Compose v2 for what
// depends on the database, and on MariaDB with Compose v1 for what runs Compose.
// The first pass is the stack's default: MySQL, and the Compose v2 plugin. The
// closing line counts every pass.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * What "the operations suite" is: everything that deploys, rolls back, starts or
 * stops the stack, and the CLI's backup, verify and restore of the stack's database.
 */
const OPERATIONS = ['integration/operations', 'integration/referenceStack.test.ts', 'integration/compose', 'integration/database/cli.test.ts'];
/**
 * How a deploy replaces containers without downtime (start beside, edge switch, drain) is
 * Compose's and nginx's part; the database only gives the backup, which the other
 * operations files take on MariaDB too. The first pass runs them; a second costs minutes.
 */
const SAME_ON_EVERY_DATABASE = ['deployWithoutDowntime', 'deployOnlyOnceHealthy'].map((name) => `integration/operations/${name}.test.ts`);
/**
 * Where Compose v1 and v2 differ (container names, labels, build and up output): what
 * runs Compose itself. The rest of the operations suite runs Compose through the same
 * calls, so a third full pass would cost CI's budget minutes without a new path.
 */
const COMPOSE_PATHS = ['integration/compose', 'integration/referenceStack.test.ts', ...['deployStaging', 'deployProduction', 'rollbackProduction', 'deployCli'].map((name) => `integration/operations/${name}.test.ts`)];
const MATRIX = [
  // the Compose paths run on MariaDB with v1 below and on MySQL with v2 in the first pass:
  // every database meets every Compose there, so MariaDB with v2 would repeat a pair
  { label: 'operations on MariaDB 10.11, Compose v2', env: { RIG_DATABASE: 'mariadb', DUAL_ENV_COMPOSE: 'v2' }, suites: OPERATIONS, except: [...COMPOSE_PATHS, ...SAME_ON_EVERY_DATABASE] },
  { label: 'Compose paths on MariaDB 10.11, Compose v1', env: { RIG_DATABASE: 'mariadb', DUAL_ENV_COMPOSE: 'v1' }, suites: COMPOSE_PATHS },
];

const args = process.argv.slice(2);
const matrix = args.includes('--matrix');
const suites = args.filter((a) => !a.startsWith('--'));
const extra = args.filter((a) => a.startsWith('--') && a !== '--matrix');
if (suites.length === 0) suites.push('unit');

function testFiles(target) {
  if (!fs.existsSync(target)) return [];
  if (fs.statSync(target).isFile()) return [target];
  return fs.readdirSync(target, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(target, entry.name);
    // test/vscode/suite runs inside VS Code's extension host, driven by test/vscode/*.test.ts
    if (entry.isDirectory()) return entry.name === 'suite' ? [] : testFiles(full);
    return /\.test\.ts$/.test(entry.name) ? [full] : [];
  }).sort();
}

/** One run of node's test runner; returns what its TAP output counted. */
function runPass(passSuites, env, except = []) {
  const skipped = except.map((target) => path.join('test', target));
  const files = passSuites.flatMap((suite) => testFiles(path.join('test', suite)))
    .filter((file) => !skipped.some((target) => file === target || file.startsWith(`${target}${path.sep}`)));
  if (files.length === 0) {
    console.error(`no test files in: ${passSuites.join(', ')}`);
    process.exit(1);
  }
  const serial = passSuites.some((s) => s !== 'unit');
  // spec for people on stdout, TAP to a file for the closing `N passed, N failed` line
  const tapFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-tests-')), 'results.tap');
  const runnerArgs = [
    '--import', 'tsx', '--test',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
    ...(serial ? ['--test-concurrency=1'] : []), ...extra, ...files,
  ];
  const result = spawnSync(process.execPath, runnerArgs, { stdio: 'inherit', env: { ...process.env, ...env } });
  const tap = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
  return {
    passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skipped'), todo: count('todo'),
    // a runner that crashed wrote no summary: that is a failure, never "0 passed, 0 failed"
    summarized: /^# pass \d+$/m.test(tap),
    status: result.status ?? 1,
    failures: failuresIn(tap),
  };
}

/**
 * Each failed test with where and why, from the TAP file: printed again at the very
 * end, because a CI log is often read from its tail and the spec output of a failure
 * can be thousands of lines above it.
 */
function failuresIn(tap) {
  const lines = tap.split('\n');
  const failures = [];
  for (const [index, line] of lines.entries()) {
    const notOk = /^(\s*)not ok \d+ - (.*)$/.exec(line);
    if (!notOk) continue;
    const indent = notOk[1].length + 2;
    const block = [];
    if (lines[index + 1]?.trim() === '---') {
      for (const detail of lines.slice(index + 2)) {
        if (detail.trim() === '...' && detail.length - detail.trimStart().length === indent) break;
        block.push(detail.slice(indent));
      }
    }
    // a suite fails when one of its tests does; the test itself says why
    if (block.some((detail) => /^failureType: '?subtestsFailed/.test(detail))) continue;
    const location = block.find((detail) => detail.startsWith('location:'))?.replace(/^location: '?|'$/g, '') ?? '';
    const start = block.findIndex((detail) => detail.startsWith('error:'));
    const why = start < 0 ? [] : block.slice(start, start + 12).filter((detail, i) => i === 0 || /^\s/.test(detail));
    failures.push({ name: notOk[2], location, why });
  }
  return failures;
}

const passes = [{ label: suites.join(', '), env: {}, suites }, ...(matrix ? MATRIX : [])];
const total = { passed: 0, failed: 0, skipped: 0, todo: 0, unfinished: 0 };
let status = 0;
const failed = [];
/** `N passed, N failed`, then skipped, todo and passes that ended before their summary when there are any. */
const describe = (c) => [`${c.passed} passed`, `${c.failed} failed`, ...(c.skipped ? [`${c.skipped} skipped`] : []), ...(c.todo ? [`${c.todo} todo`] : []),
  ...(c.unfinished ? [`${c.unfinished} pass${c.unfinished > 1 ? 'es' : ''} ended before its summary`] : [])].join(', ');
for (const [index, pass] of passes.entries()) {
  if (passes.length > 1) console.log(`\n=== pass ${index + 1}/${passes.length}: ${pass.label} ===\n`);
  const result = runPass(pass.suites, pass.env, pass.except);
  const counted = { ...result, unfinished: result.summarized ? 0 : 1 };
  for (const key of Object.keys(total)) total[key] += counted[key];
  if (result.status !== 0) status = result.status;
  if (!result.summarized && status === 0) status = 1;
  if (passes.length > 1) console.log(`pass ${index + 1} (${pass.label}): ${describe(counted)}`);
  failed.push(...result.failures.map((failure) => ({ ...failure, pass: pass.label })));
}
if (failed.length > 0) {
  console.log(`\n${failed.length} failed test${failed.length > 1 ? 's' : ''}, with why:`);
  for (const failure of failed) {
    console.log(`\n✖ ${failure.name}${passes.length > 1 ? ` [${failure.pass}]` : ''}\n  ${failure.location}`);
    for (const detail of failure.why) console.log(`  ${detail}`);
  }
  console.log('');
}
console.log(`tests: ${describe(total)}`);
process.exit(status);
