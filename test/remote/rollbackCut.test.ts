// A rollback of production on a server whose SSH connections drop once the backup's data
// is swapped in and kept (the safety backup), as the containers are to be recreated, and
// which stays unreachable until the rollback has given up: one sentence says where what
// production held is, that the lock stays and where the history stopped; on the server,
// once it answers, production holds the backup's data and runs the containers it ran,
// the lock names the rollback, the history says it stopped at recreate, `dual-env unlock`
// removes the lock, and the rollback run again finishes.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { remediesOf } from '../../src/core/common/remedies';
import type { DualEnvConfig, Environment } from '../../src/core/config';
import { dockerClientFor } from '../../src/core/docker/client';
import { backupDatabase } from '../../src/core/operations/backupDatabase';
import { databaseBackups } from '../../src/core/operations/databaseBackups';
import { readEnvironmentHistory } from '../../src/core/operations/environmentHistory';
import { environmentLockHolder } from '../../src/core/operations/environmentLock';
import type { OperationDeps } from '../../src/core/operations/operationContext';
import { rollbackProduction } from '../../src/core/operations/rollbackProduction';
import { compose, DATABASE_SERVERS, projectContainers, servicesOf, stackServer, type RemoteServer } from '../rig';
import type { TempProject } from '../support/tempProject';
import { clearServerState, cutWhen, failureUnderCut, remoteProduction, sqlOnServer, stoppedThenUnlocked } from './helpers';

const never = () => new AbortController().signal;

describe(`a rollback cut on the server as it recreates production (${DATABASE_SERVERS[stackServer].label})`, () => {
  let server: RemoteServer;
  let project: TempProject;
  let config: DualEnvConfig;
  let production: Environment;
  let backupId: string;
  const marker = `rbc_marker_${crypto.randomBytes(4).toString('hex')}`;

  const deps = async (): Promise<OperationDeps> => ({ config, docker: dockerClientFor(production), compose: await compose(), backups: databaseBackups(config) });
  /** What production holds, read through the server's own socket. */
  const note = () => sqlOnServer(server, `SELECT note FROM ${marker} WHERE id = 1`);
  /** What production runs, read through the server's own socket: service → container id, image and state. */
  const running = async () => Object.fromEntries((await projectContainers(server.docker, servicesOf('production'))).map((c) =>
    [c.Labels['com.docker.compose.service'], `${c.Id} ${c.ImageID} ${c.State}`]));

  before(async () => {
    ({ server, project, config, production } = await remoteProduction());
    // a previous run's lock, history and backups must not decide this one
    await clearServerState(server, config.projectName, ['production']);
    await sqlOnServer(server, `CREATE TABLE ${marker} (id INT PRIMARY KEY, note VARCHAR(40)); INSERT INTO ${marker} VALUES (1, 'as backed up')`);
    backupId = (await backupDatabase({ config, environment: production }, { reason: 'to roll back to, cut' }, never())).id;
    // what production holds after the backup: the rollback's safety backup keeps it
    await sqlOnServer(server, `UPDATE ${marker} SET note = 'after the backup' WHERE id = 1`);
  });
  after(async () => {
    await sqlOnServer(server, `DROP TABLE IF EXISTS ${marker}`).catch(() => undefined);
    project?.remove();
  });

  it('ends in one sentence naming the safety backup and the lock that stays; the history stops at recreate; unlock and a second rollback finish it', async (t) => {
    const before = await running();
    // the data is swapped in and kept, the recreate announced in the history: drop every connection before Compose runs, and let no new one through
    const cut = cutWhen(server, (event) => event.step === 'recreate' && event.state === 'running' && Boolean(event.message?.startsWith('Replacing')));
    const error = await failureUnderCut(t, 'rollback', 'as the containers were to be recreated', cut, rollbackProduction(await deps(), { backupId, confirm: async () => true, healthTimeoutSeconds: 180 }, never(), cut.onProgress));
    const safetyId = (error as { backupId?: string }).backupId;
    assert.ok(safetyId && safetyId !== backupId, `the error names the safety backup: ${safetyId}`);
    assert.match(error.message, new RegExp(`^Rollback to ${backupId} failed at step recreate: Recreating production-frontend, production-backend failed: `));
    assert.ok(error.message.endsWith(`What production held before the rollback is in safety backup ${safetyId}; run the rollback again, or put that state back by rolling back to ${safetyId}`
      + '; this rollback\'s lock stays on ssh://dual-env-remote and its history line says it stopped at step recreate: once the server answers, check Production and remove the lock.'), error.message);
    assert.deepEqual(remediesOf(error), [
      { kind: 'rollback', environment: 'production', backupId },
      { kind: 'rollback', environment: 'production', backupId: safetyId },
      { kind: 'unlock', environment: 'production' },
    ]);

    // the server answers again: production holds the backup's data, its containers are the ones it ran, and the safety backup is kept
    assert.equal(await note(), 'as backed up');
    assert.deepEqual(await running(), before);
    assert.ok((await databaseBackups(config).list(production)).some((b) => b.id === safetyId), 'the safety backup is listed on the server');
    const { holder } = await environmentLockHolder(config, production);
    assert.equal(holder?.operation, `rollback to ${backupId}`);
    assert.equal(holder?.pid, process.pid);
    const last = (await readEnvironmentHistory(config, production)).at(-1);
    assert.deepEqual(last && [last.operation, last.outcome, last.step, last.restoredBackupId, last.backupId], ['rollback', 'unfinished', 'recreate', backupId, safetyId], JSON.stringify(last));

    // a teammate's CLI shows where it stopped, names the lock, and removes it once confirmed
    await stoppedThenUnlocked(project, production, { what: `rollback to ${backupId}  [backup ${safetyId}] `, step: 'recreate', operation: `rollback to ${backupId}` });

    // the way out the sentence names: the rollback run again finishes, healthy, and its line replaces nothing of the cut one's
    const again = await rollbackProduction(await deps(), { backupId, confirm: async () => true, healthTimeoutSeconds: 180 }, never());
    assert.equal(again.outcome, 'succeeded');
    assert.equal(await note(), 'as backed up');
    const lines = (await readEnvironmentHistory(config, production)).slice(-2).map((l) => `${l.operation} ${l.outcome} ${l.step ?? ''}`);
    assert.deepEqual(lines, ['rollback unfinished recreate', 'rollback succeeded health']);
    assert.equal((await environmentLockHolder(config, production)).held, false);
  });
});
