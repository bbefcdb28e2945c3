import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DualEnvError, type DualEnvErrorOptions } from '../common/errors';
import { ensureGitIgnoredFolder } from '../common/ignoredFolder';

/** Who holds an environment's lock; written into the lock file. */
export interface LockHolder {
  pid: number;
  hostname: string;
  user: string;
  operation: string;
  /** ISO 8601. */
  startedAt: string;
  /** Tells our own lock file apart from a later holder's on release. */
  token: string;
}

/** Another deploy, rollback or restart holds the environment. */
export class LockedError extends DualEnvError {
  readonly exitCode = 1;
  constructor(message: string, readonly holder?: LockHolder, options?: DualEnvErrorOptions) {
    super(message, options);
  }
}

export interface EnvironmentLock {
  holder: LockHolder;
  release(): void;
}

/** `.dual-env/` in the project: locks and history; git-ignored by a .gitignore of its own. */
export function stateDir(projectDir: string): string {
  const dir = path.join(projectDir, '.dual-env');
  ensureGitIgnoredFolder(dir, 'Dual Env state: locks and deploy history');
  return dir;
}

export function lockFile(projectDir: string, environment: string): string {
  const dir = path.join(stateDir(projectDir), 'locks');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${environment}.lock`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock taken before this machine last booted is stale whatever runs under its pid now: pids are reused after a reboot. */
function startedBeforeBoot(holder: LockHolder): boolean {
  const bootedAt = Date.now() - os.uptime() * 1000;
  const started = Date.parse(holder.startedAt);
  // a minute of slack for clock adjustments around boot
  return Number.isFinite(started) && started < bootedAt - 60_000;
}

function readHolder(file: string): { holder?: LockHolder; text?: string } {
  try {
    const text = fs.readFileSync(file, 'utf8');
    try {
      return { holder: JSON.parse(text) as LockHolder, text };
    } catch {
      return { text };
    }
  } catch {
    return {};
  }
}

export function describeHolder(holder: LockHolder): string {
  return `${holder.operation} by ${holder.user} on ${holder.hostname} (pid ${holder.pid}, since ${holder.startedAt})`;
}

const TAKEOVER_GUARD_STALE_MS = 10_000;

/**
 * Removes a stale lock file, if it still holds exactly `staleText`. A guard file
 * (itself created exclusively) makes the check-and-remove atomic among racing
 * processes, so a fresh lock written by the winner is never removed by a loser.
 */
function removeStale(file: string, staleText: string): void {
  const guard = `${file}.takeover`;
  try {
    fs.writeFileSync(guard, String(process.pid), { flag: 'wx' });
  } catch {
    // another process is taking over; a guard left by a crashed process expires
    const age = Date.now() - (fs.statSync(guard, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > TAKEOVER_GUARD_STALE_MS) fs.rmSync(guard, { force: true });
    return;
  }
  try {
    if (readHolder(file).text === staleText) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

/** This process as the holder of a lock taken now for `operation`. */
export function newHolder(operation: string): LockHolder {
  return { pid: process.pid, hostname: os.hostname(), user: os.userInfo().username, operation, startedAt: new Date().toISOString(), token: crypto.randomUUID() };
}

/**
 * Takes the environment's lock, shared by every process and VS Code window on
 * this project: an exclusively created file holding who took it. A lock whose
 * holder process is gone (same host) is stale and taken over; any other
 * holder is named in the refusal.
 */
export function acquireLock(projectDir: string, environment: string, operation: string): EnvironmentLock {
  const file = lockFile(projectDir, environment);
  const holder = newHolder(operation);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusively(file, JSON.stringify(holder))) return { holder, release: () => releaseLock(file, holder.token) };
    const current = readHolder(file);
    if (current.text === undefined) continue; // released in between: try again
    const other = current.holder;
    if (!other || typeof other.pid !== 'number') {
      throw new LockedError(`${environment} is locked by another Dual Env operation (${file} is unreadable); wait, or delete that file if no deploy is running.`);
    }
    if (other.hostname === holder.hostname && (!processAlive(other.pid) || startedBeforeBoot(other))) {
      removeStale(file, current.text);
      continue;
    }
    const where = other.hostname === holder.hostname
      ? ` If no Dual Env process ${other.pid} is running, delete ${file}.`
      : ` Dual Env cannot check a process on another machine; if it is gone, delete ${file}.`;
    throw new LockedError(`${environment} is busy: ${describeHolder(other)}; try again when it has finished.${where}`, other);
  }
  throw new LockedError(`${environment} is busy: another Dual Env operation keeps taking its lock (${file}); try again in a moment.`);
}

/**
 * Creates `file` with its whole content or not at all: the content goes to a
 * private file first, then a hard link (atomic, fails if the name exists)
 * publishes it, so no reader ever sees a half-written lock.
 */
function createExclusively(file: string, content: string): boolean {
  const draft = `${file}.${process.pid}.${crypto.randomUUID()}.draft`;
  fs.writeFileSync(draft, content, { flag: 'wx' });
  try {
    fs.linkSync(draft, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

function releaseLock(file: string, token: string): void {
  if (readHolder(file).holder?.token === token) fs.rmSync(file, { force: true });
}

/** Removes the lock file if it is still the holder's with `token` (the one a person saw and agreed to remove); false when it was not. */
export function removeLockOf(projectDir: string, environment: string, token: string): boolean {
  const file = lockFile(projectDir, environment);
  if (readHolder(file).holder?.token !== token) return false;
  fs.rmSync(file, { force: true });
  return true;
}

/** The current holder, if any (for status displays). */
export function lockHolder(projectDir: string, environment: string): LockHolder | undefined {
  return readHolder(lockFile(projectDir, environment)).holder;
}
