// A copy of the reference project (compose file, examples/, the rig's .env,
// .gitignore) in a temp git repository with a bare remote. Compose runs it under
// the rig's project name and ports (they come from the copied .env), so the
// operations drive the rig's real containers while git works on the temp repo,
// and a test can break a Dockerfile or the backend without touching the worktree.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type DualEnvConfig } from '../../src/core/config';
import { repoRoot } from '../rig';
import { makeTempRepo, type TempRepo } from './gitRepo';

export interface TempProject extends TempRepo {
  composeFile: string;
  config(): DualEnvConfig;
  /** Writes a file of the project (relative path). */
  write(relative: string, text: string): void;
  read(relative: string): string;
}

export function makeTempProject(branch: string): TempProject {
  const repo = makeTempRepo(branch, (dir) => {
    for (const entry of ['docker-compose-dual-env.yml', 'examples', '.env', '.gitignore']) {
      fs.cpSync(path.join(repoRoot, entry), path.join(dir, entry), { recursive: true });
    }
  });
  const composeFile = path.join(repo.dir, 'docker-compose-dual-env.yml');
  return {
    ...repo,
    composeFile,
    config: () => loadConfig(composeFile, { env: {} }),
    write: (relative, text) => fs.writeFileSync(path.join(repo.dir, relative), text),
    read: (relative) => fs.readFileSync(path.join(repo.dir, relative), 'utf8'),
  };
}
