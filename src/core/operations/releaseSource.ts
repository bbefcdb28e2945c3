import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ComposeTarget } from '../compose/composeRunner';
import type { DualEnvConfig } from '../config';
import { exportCommit, pathInRepository, type GitRepository } from '../git';
import { DeployRefusedError } from './deployPreflight';
import { COMMIT_LABEL } from './imageCommit';

/** Service → the folder of its build context inside the repository ('' for the root). */
export type ReleaseContexts = Record<string, string>;

/**
 * Where each service's build context lies in the repository. Refused, before
 * anything changes, when one lies outside it: production is built only from
 * the tagged commit, and no commit holds such a folder.
 */
export async function releaseContexts(repo: GitRepository, config: DualEnvConfig, services: readonly string[]): Promise<ReleaseContexts> {
  const contexts: ReleaseContexts = {};
  for (const service of services) {
    const context = config.services.get(service)?.buildContext;
    if (!context) continue;
    const relative = await pathInRepository(repo, context);
    if (relative === undefined) {
      throw new DeployRefusedError(`The build context of ${service} (${context}) lies outside the git repository, so no commit holds it and production cannot be built from the tagged commit; move it into the repository.`);
    }
    contexts[service] = relative;
  }
  return contexts;
}

/** A clean export of the released commit, and the Compose file that points the build contexts into it. */
export interface ReleaseSource {
  /** The commit's files. */
  tree: string;
  /** Merged over the project's compose file for the build only. */
  override: string;
  /** Deletes the export; safe to call more than once. */
  remove(): void;
}

/** Compose interpolates `$` in every file it reads: each is doubled so a path stays literal. */
const composeLiteral = (text: string) => text.replaceAll('$', () => '$$');

/**
 * Exports `commit` into a temp folder. Only the build contexts come from it (and the
 * images are labelled with it, so what runs can always say its commit): the
 * compose file, `.env` and the env files stay those of the project folder, as
 * the recreate uses them (an untracked `.env` with the passwords is in no commit).
 */
export async function exportRelease(repo: GitRepository, commit: string, contexts: ReleaseContexts): Promise<ReleaseSource> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-release-'));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const tree = path.join(dir, 'tree');
    await exportCommit(repo, commit, tree);
    const services = Object.fromEntries(Object.entries(contexts).map(([service, relative]) => [service, {
      build: { context: composeLiteral(path.join(tree, ...relative.split('/'))), labels: { [COMMIT_LABEL]: commit } },
    }]));
    const override = path.join(dir, 'build-contexts.yml');
    // JSON is YAML, and needs no quoting rules of its own
    fs.writeFileSync(override, `${JSON.stringify({ services }, null, 2)}\n`);
    return { tree, override, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** The target with the release's build contexts merged over its compose file. */
export function buildingFrom(target: ComposeTarget, source: ReleaseSource): ComposeTarget {
  return { ...target, project: { ...target.project, overrides: [...(target.project.overrides ?? []), source.override] } };
}
