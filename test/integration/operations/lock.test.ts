// The environment lock across real processes: racing takers, a killed holder, the refusal's wording.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { acquireLock, lockFile, LockedError } from '../../../src/core/operations/lock';
import { stackLabel } from '../../rig';

const child = path.join(__dirname, '..', '..', 'support', 'lockChild.ts');
const children: ChildProcess[] = [];
const folders: string[] = [];

function tempProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-lock-'));
  folders.push(dir);
  return dir;
}

/** Starts a taker and resolves with its first line of output. */
function take(projectDir: string, startAt: number, holdMs: number): { process: ChildProcess; line: Promise<string> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, projectDir, 'production', String(startAt), String(holdMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(proc);
  const line = new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    proc.once('exit', (code) => reject(new Error(`lock child exited (${code}) without a word`)));
  });
  return { process: proc, line };
}

const exited = (proc: ChildProcess) => new Promise<void>((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once('exit', () => resolve())));

describe(`environment lock [${stackLabel()}]`, () => {
  after(() => {
    for (const proc of children) if (proc.exitCode === null) proc.kill('SIGKILL');
    for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lets exactly one of several racing processes in', async () => {
    for (let round = 0; round < 3; round++) {
      const projectDir = tempProject();
      const startAt = Date.now() + 1500; // past every child's start-up, so they really race
      const takers = [0, 1, 2].map(() => take(projectDir, startAt, 3000));
      const lines = await Promise.all(takers.map((t) => t.line));
      assert.equal(lines.filter((l) => l.startsWith('acquired')).length, 1, lines.join(' | '));
      assert.equal(lines.filter((l) => l.startsWith('refused')).length, 2, lines.join(' | '));
      const winner = lines.find((l) => l.startsWith('acquired'))!.split(' ')[1];
      for (const line of lines.filter((l) => l.startsWith('refused'))) assert.match(line, new RegExp(`production is busy: test deploy by .* \\(pid ${winner},`));
      await Promise.all(takers.map((t) => exited(t.process)));
      assert.equal(fs.existsSync(lockFile(projectDir, 'production')), false, 'the winner released its lock');
    }
  });

  it('names a live holder in the refusal and takes over once the holder is killed', async () => {
    const projectDir = tempProject();
    const holder = take(projectDir, 0, 600_000);
    const line = await holder.line;
    assert.match(line, /^acquired /);
    assert.throws(() => acquireLock(projectDir, 'production', 'rollback'), (error: unknown) =>
      error instanceof LockedError && error.holder?.pid === holder.process.pid && /test deploy by .* on .* \(pid \d+, since /.test(error.message));
    holder.process.kill('SIGKILL');
    await exited(holder.process);
    const lock = acquireLock(projectDir, 'production', 'rollback');
    assert.equal(JSON.parse(fs.readFileSync(lockFile(projectDir, 'production'), 'utf8')).pid, process.pid);
    lock.release();
    assert.equal(fs.existsSync(lockFile(projectDir, 'production')), false);
  });

  it('lets exactly one of several racing processes take over a stale lock', async () => {
    const projectDir = tempProject();
    const dead = take(projectDir, 0, 600_000);
    await dead.line;
    dead.process.kill('SIGKILL');
    await exited(dead.process);
    const startAt = Date.now() + 1500;
    const takers = [0, 1, 2].map(() => take(projectDir, startAt, 3000));
    const lines = await Promise.all(takers.map((t) => t.line));
    assert.equal(lines.filter((l) => l.startsWith('acquired')).length, 1, lines.join(' | '));
    await Promise.all(takers.map((t) => exited(t.process)));
  });

  it('takes over a lock taken before the machine booted, even when its pid now runs something else', () => {
    const projectDir = tempProject();
    const beforeBoot = new Date(Date.now() - os.uptime() * 1000 - 3_600_000).toISOString();
    // our own pid stands for whatever process reused the crashed holder's after the reboot
    fs.writeFileSync(lockFile(projectDir, 'production'), JSON.stringify({ pid: process.pid, hostname: os.hostname(), user: 'ci', operation: 'deploy', startedAt: beforeBoot, token: 'old' }));
    const lock = acquireLock(projectDir, 'production', 'rollback');
    assert.equal(JSON.parse(fs.readFileSync(lockFile(projectDir, 'production'), 'utf8')).operation, 'rollback');
    lock.release();
  });

  it('says how to clear a lock whose holder it believes alive', () => {
    const projectDir = tempProject();
    fs.writeFileSync(lockFile(projectDir, 'production'), JSON.stringify({ pid: process.pid, hostname: os.hostname(), user: 'ci', operation: 'deploy', startedAt: new Date().toISOString(), token: 'live' }));
    assert.throws(() => acquireLock(projectDir, 'production', 'rollback'), (error: unknown) =>
      error instanceof LockedError && new RegExp(`If no Dual Env process ${process.pid} is running, delete .*production\\.lock\\.$`).test(error.message));
  });

  it('keeps locks of different environments apart and git-ignores its state folder', () => {
    const projectDir = tempProject();
    const production = acquireLock(projectDir, 'production', 'deploy');
    const staging = acquireLock(projectDir, 'staging', 'deploy');
    assert.throws(() => acquireLock(projectDir, 'staging', 'restart'), LockedError);
    staging.release();
    production.release();
    assert.match(fs.readFileSync(path.join(projectDir, '.dual-env', '.gitignore'), 'utf8'), /^\*$/m);
  });
});
