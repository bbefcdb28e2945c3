// A multi-root workspace: a group per folder that holds a compose file, the view's state
// over all of them, and which folders a command given no folder may act on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Environment } from '../../../src/core/config/model';
import { backUpAble, withDatabaseShell } from '../../../src/extension/environmentChoice';
import { groupChoice, isGroup, labelInGroup, workspaceState, type FolderReading } from '../../../src/extension/workspace/folderGroups';
import { environment } from './fixtures';

const database = { service: 'production-database', host: 'production-database', port: 3306, name: 'wms', user: 'wms', passwordVariable: 'PRODUCTION_DB_PASSWORD' };
const withDatabase: Environment[] = [environment('staging'), { ...environment('production'), database }];
const withoutDatabase: Environment[] = [environment('staging'), environment('production')];
const group = (name: string, environments: Environment[]) => ({ name, environments: () => environments });
const names = (groups: { name: string }[]) => groups.map((g) => g.name);

describe('isGroup', () => {
  it('counts a folder with a compose file, readable or not, and no other', () => {
    assert.deepEqual((['ready', 'configError', 'dockerUnreachable', 'noComposeFile', 'noFolder'] as const).map((state) => isGroup({ state })), [true, true, true, false, false]);
  });
});

describe('workspaceState', () => {
  const ready: FolderReading = { name: 'api', state: 'ready' };
  const empty: FolderReading = { name: 'docs', state: 'noComposeFile', problem: 'There is no docker-compose-dual-env.yml in /w/docs.' };

  it('with no folder asks for one', () => {
    assert.equal(workspaceState([]).state, 'noFolder');
  });

  it('with one group is that group\'s state and reason, whatever the other folders hold', () => {
    const broken: FolderReading = { name: 'api', state: 'configError', problem: 'The file is not YAML.' };
    assert.deepEqual(workspaceState([empty, broken]), { state: 'configError', problem: 'The file is not YAML.' });
    assert.deepEqual(workspaceState([ready, empty]), { state: 'ready', problem: undefined });
  });

  it('with several groups is ready: each folder node says what is wrong with it', () => {
    assert.deepEqual(workspaceState([ready, { name: 'shop', state: 'dockerUnreachable', problem: 'Docker cannot be reached.' }]), { state: 'ready' });
  });

  it('with no group says so: one folder\'s own reason, or the folders it looked in', () => {
    assert.deepEqual(workspaceState([empty]), { state: 'noComposeFile', problem: empty.problem });
    assert.deepEqual(workspaceState([empty, { name: 'site', state: 'noComposeFile' }]), {
      state: 'noComposeFile', problem: 'None of the workspace folders (docs, site) holds a Dual Env compose file.',
    });
  });
});

describe('groupChoice', () => {
  it('keeps every group the command applies to, for the caller to ask which', () => {
    assert.deepEqual(names(groupChoice([group('api', withDatabase), group('shop', withDatabase)], undefined, backUpAble)), ['api', 'shop']);
  });

  it('leaves out a group where the command has nothing to act on, so that the only one left needs no question', () => {
    assert.deepEqual(names(groupChoice([group('api', withoutDatabase), group('shop', withDatabase)], undefined, withDatabaseShell)), ['shop']);
  });

  it('keeps only the groups that declare a named environment', () => {
    const qa = [...withDatabase, { ...environment('staging'), name: 'qa', label: 'QA' }];
    assert.deepEqual(names(groupChoice([group('api', withDatabase), group('shop', qa)], 'qa')), ['shop']);
  });

  it('with none left, says why, folder by folder when there are several', () => {
    assert.throws(() => groupChoice([group('api', withoutDatabase)], 'production', backUpAble), { message: 'Production declares no database in x-dual-env, so it cannot be backed up.' });
    assert.throws(() => groupChoice([group('api', withoutDatabase), group('shop', withoutDatabase)], 'production', backUpAble), {
      message: 'api: Production declares no database in x-dual-env, so it cannot be backed up. shop: Production declares no database in x-dual-env, so it cannot be backed up.',
    });
    assert.throws(() => groupChoice([], undefined), { message: 'No workspace folder holds a Dual Env compose file.' });
  });
});

describe('labelInGroup', () => {
  it('names the folder only when there are several groups', () => {
    assert.equal(labelInGroup('Production', 'api', 1), 'Production');
    assert.equal(labelInGroup('Production', 'api', 2), 'api · Production');
  });
});
