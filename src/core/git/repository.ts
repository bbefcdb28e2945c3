import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { compactTimestamp } from '../common/time';
import { CancelledError, CommandFailedError, UsageError, errorMessage } from '../common/errors';

/** A git working tree; every call runs git with an argument array (simple-git), never a shell. */
export interface GitRepository {
  dir: string;
  signal?: AbortSignal;
  /**
   * Folders (absolute) whose files never count as changes and are never
   * committed: the backup folders, which a project set up before they got
   * their own .gitignore may show as untracked or even track.
   */
  neverCommit?: readonly string[];
}

export interface CommitSummary {
  hash: string;
  shortHash: string;
  subject: string;
  author: string;
  /** ISO 8601. */
  date: string;
}

export interface TreeState {
  clean: boolean;
  /** Paths with uncommitted changes, untracked files included. */
  changed: string[];
}

const TAG_PREFIX = 'production-';

function git(repo: GitRepository): SimpleGit {
  return simpleGit({ baseDir: repo.dir, abort: repo.signal });
}

/** Runs one git call, turning its failure into a sentence that says what failed where. */
async function attempt<T>(repo: GitRepository, what: string, call: (g: SimpleGit) => Promise<T>, client: SimpleGit = git(repo)): Promise<T> {
  try {
    return await call(client);
  } catch (error) {
    if (repo.signal?.aborted) throw new CancelledError();
    const detail = errorMessage(error).trim().split('\n').slice(-3).join(' ');
    throw new CommandFailedError(`git could not ${what} in ${repo.dir}: ${detail}`, null, errorMessage(error), { cause: error });
  }
}

export async function isRepository(repo: GitRepository): Promise<boolean> {
  return git(repo).checkIsRepo().catch(() => false);
}

/** The checked-out branch; a detached HEAD has none and cannot be deployed by branch policy. */
export async function currentBranch(repo: GitRepository): Promise<string> {
  const name = (await attempt(repo, 'read the current branch', (g) => g.raw(['rev-parse', '--abbrev-ref', 'HEAD']))).trim();
  if (name === 'HEAD') throw new UsageError(`${repo.dir} has a detached HEAD; check out a branch before deploying.`);
  return name;
}

export async function headCommit(repo: GitRepository): Promise<CommitSummary> {
  const [commit] = await log(repo, ['-1', 'HEAD'], 'read HEAD');
  if (!commit) throw new UsageError(`${repo.dir} has no commit yet; commit the project before deploying.`);
  return commit;
}

/**
 * `absolute` as a path inside the repository (forward slashes, '' for its root),
 * or undefined when it lies outside it.
 */
export async function pathInRepository(repo: GitRepository, absolute: string): Promise<string | undefined> {
  const top = (await attempt(repo, 'find the repository root', (g) => g.raw(['rev-parse', '--show-toplevel']))).trim();
  // git reports the root with symlinks resolved (a /tmp that is /private/tmp, say)
  const realDir = fs.realpathSync(repo.dir);
  const relative = path.relative(top, path.resolve(realDir, path.relative(repo.dir, absolute)));
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

/**
 * The pathspec arguments for "the whole repository but `neverCommit`", or none
 * when nothing is excluded. Folders outside the repository need no exclusion
 * (git refuses pathspecs there).
 */
async function committablePathspec(repo: GitRepository): Promise<string[]> {
  if (!repo.neverCommit?.length) return [];
  const excluded: string[] = [];
  for (const folder of repo.neverCommit) {
    const relative = await pathInRepository(repo, folder);
    // literal: a folder named `backups[1]` is that folder, not a glob
    if (relative) excluded.push(`:(top,literal,exclude)${relative}`);
  }
  return excluded.length === 0 ? [] : ['--', ':/', ...excluded];
}

export async function treeState(repo: GitRepository): Promise<TreeState> {
  const pathspec = await committablePathspec(repo);
  const status = await attempt(repo, 'read the working tree status', (g) => g.status(pathspec));
  const changed = status.files.map((f) => f.path);
  return { clean: changed.length === 0, changed };
}

/**
 * Stages everything (new files included) but `neverCommit`, and commits it
 * with the message exactly as given. The commit names the same pathspec, so
 * even a file the user staged in a backup folder by hand stays out of it.
 */
export async function commitAll(repo: GitRepository, message: string): Promise<CommitSummary> {
  const pathspec = await committablePathspec(repo);
  // `git add` refuses a pathspec naming a folder .gitignore covers, so it stages everything and the backup folders are unstaged again
  await attempt(repo, 'stage the changes', (g) => g.raw(['add', '--all']));
  if (pathspec.length > 0) {
    const folders = pathspec.slice(2).map((spec) => spec.replace(':(top,literal,exclude)', ':(top,literal)'));
    await attempt(repo, 'leave the backup folders out', (g) => g.raw(['reset', '--quiet', '--', ...folders]));
  }
  await attempt(repo, 'commit the changes', (g) => g.raw(['commit', '--quiet', '--message', message, ...pathspec]));
  return headCommit(repo);
}

/**
 * Commits exactly `files` (repository-relative paths as `treeState` lists them:
 * new, changed or deleted) with the message as given. Anything else changed or
 * staged since they were listed stays out of the commit and stays as it is.
 */
export async function commitFiles(repo: GitRepository, files: readonly string[], message: string): Promise<CommitSummary> {
  // literal: a file named `*.js` is that file, not every script
  const pathspec = ['--', ...files.map((file) => `:(top,literal)${file}`)];
  await attempt(repo, 'stage the listed changes', (g) => g.raw(['add', '--all', ...pathspec]));
  // paths on the commit line: only they are committed, whatever else the index holds
  await attempt(repo, 'commit the listed changes', (g) => g.raw(['commit', '--quiet', '--only', '--message', message, ...pathspec]));
  return headCommit(repo);
}

/** The variables git needs to find itself, its config and its filters (LFS, say); no other git variable. */
function plainEnvironment(): Record<string, string> {
  const names = ['PATH', 'Path', 'HOME', 'USERPROFILE', 'SYSTEMROOT', 'SystemRoot', 'XDG_CONFIG_HOME', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'LC_ALL'];
  return Object.fromEntries(names.flatMap((name) => process.env[name] === undefined ? [] : [[name, process.env[name]!]]));
}

/**
 * Writes the files of `commit` into the folder `dir` as a checkout would, without
 * touching the working tree, the index, the hooks or the repository's list of
 * worktrees: a build from `dir` sees exactly the commit, whatever the working tree
 * holds meanwhile. (`git archive` would leave out `export-ignore` files and rewrite
 * `export-subst` ones.)
 */
export async function exportCommit(repo: GitRepository, commit: string, dir: string): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-index-'));
  try {
    // a private index, so the user's stays as it is; simple-git lets through only the git variables it is told to
    const indexed = simpleGit({ baseDir: repo.dir, abort: repo.signal, allowEnvironment: ['GIT_INDEX_FILE'] })
      .env({ ...plainEnvironment(), GIT_INDEX_FILE: path.join(scratch, 'index') });
    await attempt(repo, `read commit ${commit}`, (g) => g.raw(['read-tree', `${commit}^{tree}`]), indexed);
    fs.mkdirSync(dir, { recursive: true });
    await attempt(repo, `export commit ${commit}`, (g) => g.raw(['checkout-index', '--all', '--force', `--prefix=${path.resolve(dir)}${path.sep}`]), indexed);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** `production-YYYYMMDD-HHMMSS` in UTC. */
export function productionTagName(at: Date): string {
  return `${TAG_PREFIX}${compactTimestamp(at)}`;
}

/** Tags HEAD with an annotated tag (the message says what was deployed). */
export async function createTag(repo: GitRepository, tag: string, message: string): Promise<void> {
  await attempt(repo, `create tag ${tag}`, (g) => g.raw(['tag', '--annotate', '--message', message, '--', tag, 'HEAD']));
}

/**
 * Tags HEAD `production-<stamp>`, or `production-<stamp>-2`, `-3`… when a deploy
 * in the same second (a retry after a failed push, say) has the name already;
 * the suffixed names still sort by time. Returns the name used.
 */
export async function createProductionTag(repo: GitRepository, at: Date, message: string): Promise<string> {
  const taken = new Set(await productionTags(repo));
  const base = productionTagName(at);
  let tag = base;
  for (let n = 2; taken.has(tag); n++) tag = `${base}-${n}`;
  await createTag(repo, tag, message);
  return tag;
}

/** Pushes the branch and the tag to the remote in one push. */
export async function pushBranchAndTag(repo: GitRepository, options: { remote?: string; branch: string; tag: string }): Promise<void> {
  const remote = options.remote ?? 'origin';
  await attempt(repo, `push ${options.branch} and ${options.tag} to ${remote}`, (g) =>
    g.raw(['push', '--porcelain', '--', remote, `refs/heads/${options.branch}:refs/heads/${options.branch}`, `refs/tags/${options.tag}:refs/tags/${options.tag}`]));
}

/** Tags HEAD and pushes the branch and the tag. */
export async function pushWithTag(repo: GitRepository, options: { remote?: string; branch: string; tag: string; message: string }): Promise<void> {
  await createTag(repo, options.tag, options.message);
  await pushBranchAndTag(repo, options);
}

export async function hasRemote(repo: GitRepository, remote = 'origin'): Promise<boolean> {
  const remotes = await attempt(repo, 'list remotes', (g) => g.getRemotes());
  return remotes.some((r) => r.name === remote);
}

/** The `production-*` tags, oldest first (the names sort by time). */
async function productionTags(repo: GitRepository): Promise<string[]> {
  const out = await attempt(repo, 'list production tags', (g) => g.raw(['tag', '--list', `${TAG_PREFIX}*`]));
  return out.split('\n').map((t) => t.trim()).filter(Boolean).sort();
}

/** The newest `production-*` tag, if any. */
export async function lastProductionTag(repo: GitRepository): Promise<string | undefined> {
  return (await productionTags(repo)).at(-1);
}

/**
 * Commits on HEAD since `lastDeployed` (the tag of the last deploy that
 * succeeded, when the caller knows it), else since the newest production tag;
 * all of HEAD's history when there is none. Newest first.
 */
export async function changesSinceLastProduction(repo: GitRepository, limit = 50, lastDeployed?: string): Promise<{ since?: string; commits: CommitSummary[] }> {
  const tags = await productionTags(repo);
  // the history may name a tag this clone does not have
  const since = lastDeployed && tags.includes(lastDeployed) ? lastDeployed : tags.at(-1);
  const range = since ? `refs/tags/${since}..HEAD` : 'HEAD';
  return { since, commits: await log(repo, [`--max-count=${limit}`, range], 'list the changes since the last production deploy') };
}

const FIELD = '\x1f';
const RECORD = '\x1e';

async function log(repo: GitRepository, args: string[], what: string): Promise<CommitSummary[]> {
  const format = ['%H', '%h', '%s', '%an', '%aI'].join(FIELD) + RECORD;
  const out = await attempt(repo, what, (g) => g.raw(['log', `--format=${format}`, ...args, '--']));
  return out.split(RECORD).map((r) => r.trim()).filter(Boolean).map((record) => {
    const [hash, shortHash, subject, author, date] = record.split(FIELD);
    return { hash, shortHash, subject, author, date };
  });
}
