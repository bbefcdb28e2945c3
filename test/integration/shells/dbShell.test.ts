// `dual-env db-shell` and `dual-env shell` as separate processes against the rig's staging:
// the real docker CLI, the real database container and client (MySQL, or MariaDB with RIG_DATABASE=mariadb).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { composeFile, projectContainers, repoRoot, stackLabel, startRig, type Rig } from '../../rig';

const cli = path.join(repoRoot, 'src', 'cli', 'main.ts');

/** Every process command line this machine can see, arguments joined by spaces. */
function hostCommandLines(): string[] {
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).flatMap((pid) => {
    try {
      return [fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()];
    } catch {
      return []; // ended in between
    }
  });
}

/** The command lines inside a container, read by a constant script. */
function containerCommandLines(container: string): string[] {
  const run = spawnSync('docker', ['exec', container, 'sh', '-c', 'for f in /proc/[0-9]*/cmdline; do tr "\\0" " " < "$f"; echo; done'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.split('\n').map((line) => line.trim()).filter(Boolean);
}

describe(`dual-env db-shell and shell [${stackLabel()}]`, () => {
  let rig: Rig;
  let databaseContainer: string;

  before(async () => {
    rig = await startRig(['staging']);
    const [database] = await projectContainers(rig.docker, ['staging-database']);
    assert.ok(database, 'the rig runs no staging-database');
    databaseContainer = database.Names[0].replace(/^\//, '');
  });

  it('answers SQL from a pipe as staging\'s user, with the password in no command line', async () => {
    const password = rig.env.STAGING_DB_PASSWORD;
    assert.ok(password && password.length >= 8);
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--file', composeFile, 'db-shell', 'staging'], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    let ended = false;
    const closed = new Promise<number | null>((resolve) => child.once('close', (code) => { ended = true; resolve(code); }));
    child.stdin.write('SELECT 40+2;\n');
    // stdin stays open, so the client waits for more and every process of the shell can be looked at;
    // its output, to a pipe, is buffered until it ends: what shows it is running is its process
    const isClient = (line: string) => /\b(mysql|mariadb) --user=staging_user --database=warehouse_wms_staging/.test(line);
    let inContainer = containerCommandLines(databaseContainer);
    while (!inContainer.some(isClient)) {
      assert.ok(!ended, `db-shell ended before its client ran: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      inContainer = containerCommandLines(databaseContainer);
    }
    const host = hostCommandLines();
    child.stdin.write('SELECT CURRENT_USER(), DATABASE();\n');
    child.stdin.end();
    const code = await closed;

    assert.equal(code, 0, stderr);
    assert.match(stdout, /^40\+2\n42$/m);
    assert.match(stdout, /staging_user@\S+\twarehouse_wms_staging/);
    // caught while running: the docker CLI here and the client in the container
    assert.ok(host.some((line) => /\bdocker exec -i -e MYSQL_PWD /.test(line)), `no docker exec among:\n${host.join('\n')}`);
    for (const line of [...host, ...inContainer]) assert.ok(!line.includes(password), `the password is in the command line: ${line.replace(password, '***')}`);
    assert.ok(!stdout.includes(password) && !stderr.includes(password));
  });

  it('passes the client\'s failure on as the exit code', async () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', cli, '--file', composeFile, 'db-shell', 'staging'], { cwd: repoRoot, input: 'SELECT * FROM no_such_table;\n', encoding: 'utf8' });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /no_such_table/);
  });

  it('attaches bash in the service\'s running container, under a terminal', async () => {
    const [backend] = await projectContainers(rig.docker, ['staging-backend']);
    // util-linux's script gives the CLI a pseudo-terminal, as a person's terminal would
    const typed = 'echo "attached-$((40+2)) $(readlink /proc/$$/exe) $(hostname)"\nexit\n';
    const line = ['node', '--import', 'tsx', cli, '--file', composeFile, 'shell', 'staging', 'staging-backend'].map((a) => `'${a}'`).join(' ');
    const run = spawnSync('script', ['-qec', line, '/dev/null'], { cwd: repoRoot, input: typed, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const [, shell, hostname] = /attached-42 (\S+) (\S+)/.exec(run.stdout) ?? [];
    assert.equal(shell, '/usr/bin/bash', run.stdout);
    assert.ok(backend.Id.startsWith(hostname), `the shell ran in ${hostname}, not in staging-backend (${backend.Id})`);
  });

  it('refuses an unknown service in one sentence', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', cli, '--file', composeFile, 'shell', 'staging', 'nonesuch'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(run.status, 2);
    assert.equal(run.stderr.trim(), 'dual-env: Environment staging has no service "nonesuch"; it has: staging-frontend, staging-backend, staging-database.');
  });
});
