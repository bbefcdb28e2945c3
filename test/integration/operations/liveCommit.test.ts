// The commit production runs, known even where no deploy history says it: a checkout
// that never deployed (a teammate's), or a history file that is gone. A production
// deploy labels the images it builds with the commit; backups and rollbacks read it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { historyFile } from '../../../src/core/operations/history';
import { COMMIT_LABEL } from '../../../src/core/operations/imageCommit';
import { rollbackProduction } from '../../../src/core/operations/rollbackProduction';
import { projectName, stackLabel } from '../../rig';
import { deploySuite, never } from './deployFixture';

describe(`the commit production runs, without a history [${stackLabel()}]`, () => {
  const { fresh } = deploySuite();

  it('labels the images a production deploy builds with its commit; a backup from a checkout with no history records it, and a rollback to a backup that recorded none still shows it', async () => {
    const { project, config, deps, backups, production, deploy, manualBackup, version, rig } = await fresh();
    project.write('examples/wms/frontend/html/index.html', '<p>labelled release</p>\n');
    const deployed = await deploy({ message: 'labelled release' });
    assert.equal(deployed.outcome, 'succeeded');
    const { commit } = await version('PRODUCTION_HTTP_PORT');
    assert.match(commit, /^[0-9a-f]{40}$/);
    for (const repo of ['wms-frontend', 'wms-backend']) {
      const labels = (await rig.docker.getImage(`${projectName}/${repo}:production`).inspect()).Config.Labels ?? {};
      assert.equal(labels[COMMIT_LABEL], commit, `${repo} carries the commit it was built from`);
    }

    // as in a teammate's checkout: no line says what production runs
    fs.rmSync(historyFile(config.projectDir));
    const backup = await manualBackup();
    assert.equal(backup.gitCommit, commit);

    // a backup from before this change recorded no commit: its images still say it
    const manifestFile = path.join(production.backups.folder, backup.id, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
    delete manifest.gitCommit;
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    assert.equal((await backups.list(production)).find((b) => b.id === backup.id)?.gitCommit, undefined);
    const rolledBack = await rollbackProduction(deps, { backupId: backup.id, confirm: async () => true }, never());
    assert.equal(rolledBack.outcome, 'succeeded');
    assert.equal((await version('PRODUCTION_HTTP_PORT')).commit, commit, 'the app says the commit its images were built from, not "unknown"');
  });
});
