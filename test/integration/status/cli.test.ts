// The built CLI (`node dist/cli.js`) as a child process against the rig: `status`,
// `logs -f` across a restart and a recreation, and bad input answered in one sentence.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { composeChecked, composeFile, projectContainers, repoRoot, servicesOf, startRig, waitHealthy, type Rig, stackLabel } from '../../rig';
import { printInContainer } from './helpers';

const cli = path.join(repoRoot, 'dist', 'cli.js');

function runCli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Exit code and one sentence on stderr, without a stack trace. */
function assertOneSentence(result: { status: number | null; stderr: string }, code: number, pattern: RegExp): void {
  assert.equal(result.status, code, result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr: ${result.stderr}`);
  assert.match(lines[0], /^dual-env: .*[.;]/);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
}

/** A loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Collects a child's stdout lines and resolves waits for lines matching a pattern. */
function lineWatcher(child: ChildProcessWithoutNullStreams) {
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  let rest = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  return {
    lines,
    /** The first line matching `pattern` at or after line `from`, now or when it arrives; resolves with its index. */
    next(pattern: RegExp, from = 0): Promise<number> {
      const seen = lines.findIndex((line, index) => index >= from && pattern.test(line));
      if (seen >= 0) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ pattern, resolve: () => resolve(lines.length - 1) }));
    },
  };
}

describe(`dual-env CLI on the rig [${stackLabel()}]`, { timeout: 600_000 }, () => {
  let rig: Rig;
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-cli-'));
  before(async () => {
    rig = await startRig(['staging', 'production']);
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
  });
  after(async () => {
    fs.rmSync(temp, { recursive: true, force: true });
    await waitHealthy(rig.docker, [...servicesOf('staging'), ...servicesOf('production')]);
  });

  it('status lists both environments and all their containers as healthy', () => {
    const text = runCli(['--file', composeFile, 'status']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^Staging: healthy/m);
    assert.match(text.stdout, /^Production: healthy/m);
    for (const service of [...servicesOf('staging'), ...servicesOf('production')]) {
      assert.match(text.stdout, new RegExp(`^  ${service} +running/healthy`, 'm'));
    }
    assert.match(text.stdout, /warning: Staging and Production share the bind mount/);

    const json = runCli(['--file', composeFile, 'status', '--json']);
    assert.equal(json.status, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { environments: Array<{ environment: string; health: string; containers: Array<{ service: string; health: string }> }> };
    assert.deepEqual(parsed.environments.map((e) => [e.environment, e.health, e.containers.length]), [['staging', 'healthy', 3], ['production', 'healthy', 4]]);
  });

  it('logs of an environment prefix each line with its service', () => {
    const result = runCli(['--file', composeFile, 'logs', 'staging', '--tail', '1']);
    assert.equal(result.status, 0, result.stderr);
    const lines = `${result.stdout}${result.stderr}`.trim().split('\n');
    assert.ok(lines.length > 0 && lines.every((line) => /^staging-(frontend|backend|database) +\| /.test(line)), lines.join('\n'));
  });

  it('logs never show a password the compose file interpolates, even when the app prints it', async () => {
    const password = rig.env.STAGING_DB_PASSWORD;
    assert.ok(password);
    await printInContainer(rig.docker, 'staging-backend', `echo "connecting with password $DB_PASSWORD"`);
    const result = runCli(['--file', composeFile, 'logs', 'staging', 'staging-backend', '--tail', '5']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /connecting with password \*\*\*/);
    assert.ok(!`${result.stdout}${result.stderr}`.includes(password), 'the password is in the logs');
  });

  it('logs -f follows a service across docker restart and a recreation, without repeating lines', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const child = spawn(process.execPath, [cli, '--file', composeFile, 'logs', 'staging', 'staging-backend', '-f', '--since', since], { cwd: repoRoot });
    const stderr: string[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const out = lineWatcher(child);
    const probe = (n: number) => `probe-${n}-${process.pid}`;
    try {
      await printInContainer(rig.docker, 'staging-backend', `echo ${probe(1)}`);
      await out.next(new RegExp(probe(1)));

      const [before] = await projectContainers(rig.docker, ['staging-backend']);
      await rig.docker.getContainer(before.Id).restart({ t: 1 });
      const restarted = await out.next(/--- staging-backend restarted/);
      // the app's own start-up line, printed after the restart, arrives too
      await out.next(/listening on 5000/, restarted);
      await printInContainer(rig.docker, 'staging-backend', `echo ${probe(2)}`);
      await out.next(new RegExp(probe(2)));
      // compose v1 can trip over a container still settling after a restart ("Renaming a container with the same name")
      await waitHealthy(rig.docker, ['staging-backend']);

      await composeChecked(['up', '-d', '--no-deps', '--force-recreate', 'staging-backend']);
      const recreated = await out.next(/--- staging-backend was recreated/);
      await out.next(/listening on 5000/, recreated);
      await printInContainer(rig.docker, 'staging-backend', `echo ${probe(3)}`);
      await out.next(new RegExp(probe(3)));
      const [after] = await projectContainers(rig.docker, ['staging-backend']);
      assert.notEqual(after.Id, before.Id, 'a new container');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr.join(''));
    for (const n of [1, 2, 3]) assert.equal(out.lines.filter((line) => line.includes(probe(n))).length, 1, `${probe(n)} once`);
  });

  it('answers bad input with one sentence and exit code 2 or 1', async () => {
    assertOneSentence(runCli(['--file', path.join(temp, 'missing.yml'), 'status']), 2, /missing\.yml not found/);

    const malformed = path.join(temp, 'malformed.yml');
    fs.writeFileSync(malformed, 'services:\n  web: [unclosed\n');
    assertOneSentence(runCli(['--file', malformed, 'status']), 2, /malformed\.yml:\d+: not valid YAML/);

    const ghost = path.join(temp, 'ghost.yml');
    fs.writeFileSync(ghost, 'x-dual-env:\n  environments:\n    staging:\n      services: [staging-web, staging-ghost]\nservices:\n  staging-web: {image: x}\n');
    assertOneSentence(runCli(['--file', ghost, 'status']), 2, /staging-ghost/);

    assertOneSentence(runCli(['--file', composeFile, 'logs', 'staging', 'production-backend']), 2, /has no service "production-backend"/);
    assertOneSentence(runCli(['--file', composeFile, 'logs', 'staging', '--since', 'yesterday']), 2, /--since/);

    const port = await closedPort();
    const unreachable = path.join(temp, 'unreachable.yml');
    const withHost = (host: string) => `x-dual-env:\n  environments:\n    staging:\n      services: [staging-web]\n      dockerHost: ${host}\nservices:\n  staging-web: {image: x}\n`;
    fs.writeFileSync(unreachable, withHost(`tcp://127.0.0.1:${port}`));
    assertOneSentence(runCli(['--file', unreachable, 'status']), 1, new RegExp(`tcp://127\\.0\\.0\\.1:${port} does not answer`));
    assertOneSentence(runCli(['--file', unreachable, 'logs', 'staging']), 1, /does not answer/);

    // BatchMode: ssh fails instead of asking for a password or to trust a host key
    const ssh = path.join(temp, 'ssh.yml');
    fs.writeFileSync(ssh, withHost(`ssh://nobody@127.0.0.1:${port}`));
    assertOneSentence(runCli(['--file', ssh, 'status']), 1, new RegExp(`Nothing accepts SSH connections at 127\\.0\\.0\\.1 port ${port} \\(connection refused\\); check that sshd runs there`));

    const debug = runCli(['--debug', '--file', unreachable, 'status']);
    assert.equal(debug.status, 1);
    assert.match(debug.stderr, /\n\s+at /, 'a stack trace with --debug');
  });
});
