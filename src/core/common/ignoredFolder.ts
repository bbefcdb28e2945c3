import fs from 'node:fs';
import path from 'node:path';

/**
 * Creates `dir` (and its parents) holding a `.gitignore` of `*`, so nothing
 * written into it can be staged by `git add --all`, with or without a
 * .gitignore in the project. An existing .gitignore is left as the user made it.
 */
export function ensureGitIgnoredFolder(dir: string, what: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const ignore = path.join(dir, '.gitignore');
  if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, `# ${what}, local to this machine: never committed\n*\n`);
}
