import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TempRepo {
  dir: string;
  /** The bare repository `origin` points at. */
  remote: string;
  git(...args: string[]): string;
  remoteGit(...args: string[]): string;
  remove(): void;
}

/** A real git repository with one commit on `branch` and a bare remote, in a temp folder. */
export function makeTempRepo(branch = 'main', seed: (dir: string) => void = (dir) => fs.writeFileSync(path.join(dir, 'README.md'), 'temp\n')): TempRepo {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-git-'));
  const dir = path.join(root, 'work');
  const remote = path.join(root, 'remote.git');
  const run = (cwd: string) => (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });
  fs.mkdirSync(dir);
  execFileSync('git', ['init', '--quiet', '--bare', remote]);
  const git = run(dir);
  git('init', '--quiet', `--initial-branch=${branch}`);
  git('config', 'user.name', 'Dual Env Test');
  git('config', 'user.email', 'test@dual-env.invalid');
  git('config', 'commit.gpgsign', 'false');
  git('remote', 'add', 'origin', remote);
  seed(dir);
  git('add', '--all');
  git('commit', '--quiet', '-m', 'initial');
  return { dir, remote, git, remoteGit: run(remote), remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}
