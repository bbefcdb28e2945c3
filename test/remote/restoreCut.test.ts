// A restore of a database on a server whose SSH connections drop while the backup
// loads: the database keeps what it held (the swap never began), and the scratch
// database the load filled is removed once the server answers again, or named in the
// one sentence with how to get rid of it when it does not.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { DualEnvConfig, Environment } from '../../src/core/config';
import { isEngineError } from '../../src/core/common/errors';
import { serverStateNames } from '../../src/core/docker/serverState';
import { backupDatabase } from '../../src/core/operations/backupDatabase';
import { environmentLockHolder, removeEnvironmentLock } from '../../src/core/operations/environmentLock';
import { restoreDatabase } from '../../src/core/operations/restoreDatabase';
import type { ProgressEvent } from '../../src/core/common/progress';
import { DATABASE_SERVERS, stackServer, type RemoteServer } from '../rig';
import { cutSshConnections, refuseNewSshConnections, remoteProduction, sqlOnServer } from './helpers';
import type { TempProject } from '../support/tempProject';

const never = () => new AbortController().signal;

describe(`a restore cut mid-load leaves the database on the server as it was (${DATABASE_SERVERS[stackServer].label})`, () => {
  let server: RemoteServer;
  let project: TempProject;
  let config: DualEnvConfig;
  let production: Environment;
  let backupId: string;
  const marker = `rc_marker_${crypto.randomBytes(4).toString('hex')}`;
  const bulk = `rc_bulk_${crypto.randomBytes(4).toString('hex')}`;
  const BULK_ROWS = 200000;

  /** What production holds, read through the server's own socket: the marker's note and the bulk table's rows. */
  const state = async () => sqlOnServer(server, `SELECT CONCAT((SELECT note FROM ${marker} WHERE id = 1), ' / ', (SELECT COUNT(*) FROM ${bulk}))`);
  /** Databases a restore of production makes beside it (scratch and hold), as the server lists them. */
  const helperDatabases = async () => {
    const name = production.database!.name;
    const listed = await sqlOnServer(server, `SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '${name}\\_\\_restore\\_%' OR SCHEMA_NAME LIKE '${name}\\_\\_hold\\_%'`);
    return listed.split('\n').filter(Boolean);
  };
  /** Cuts once the load is under way and not finished: the swap has not begun. */
  const cutMidLoad = (cut: () => number) => {
    let cutAt = 0;
    const onProgress = (event: ProgressEvent) => {
      if (cutAt === 0 && event.step === 'load' && event.state === 'running' && (event.fraction ?? 0) > 0.05 && (event.fraction ?? 0) < 0.8) cutAt = cut();
    };
    return { onProgress, cut: () => cutAt };
  };

  before(async () => {
    ({ server, project, config, production } = await remoteProduction());
    // a lock an earlier, failed run left must not refuse this one
    await server.docker.getContainer(serverStateNames(config.projectName, 'production').lockContainer).remove({ force: true }).catch(() => undefined);
    await sqlOnServer(server, `CREATE TABLE ${marker} (id INT PRIMARY KEY, note VARCHAR(40)); INSERT INTO ${marker} VALUES (1, 'as backed up')`);
    // large enough that the load is still running when the connections are cut
    await sqlOnServer(server, `CREATE TABLE ${bulk} (id INT AUTO_INCREMENT PRIMARY KEY, pad VARCHAR(200));`
      + ` INSERT INTO ${bulk} (pad) SELECT CONCAT(SHA2(RAND(), 256), SHA2(RAND(), 256)) FROM information_schema.columns a, information_schema.columns b LIMIT ${BULK_ROWS}`);
    backupId = (await backupDatabase({ config, environment: production }, { reason: 'to restore, cut' }, never())).id;
    // what production holds after the backup, which a cut restore must leave
    await sqlOnServer(server, `UPDATE ${marker} SET note = 'after the backup' WHERE id = 1; DELETE FROM ${bulk} WHERE id <= 10`);
  });
  after(async () => {
    await sqlOnServer(server, `DROP TABLE IF EXISTS ${marker}; DROP TABLE IF EXISTS ${bulk}`).catch(() => undefined);
    project?.remove();
  });

  it('connections killed mid-load: one sentence, the database as it was, the scratch database removed', async (t) => {
    const cut = cutMidLoad(cutSshConnections);
    const error = await restoreDatabase({ config, environment: production }, { backupId }, never(), cut.onProgress).then(() => undefined, (e: unknown) => e);
    assert.ok(cut.cut() > 0, 'ssh connections were cut while the backup loaded');
    assert.ok(error instanceof Error && isEngineError(error), `one sentence of the engine, not ${String(error)}`);
    t.diagnostic(`the cut restore ended with: ${error.message}`);
    assert.doesNotMatch(error.message, /\n/);
    assert.match(error.message, new RegExp(`; ${production.database!.name} was left unchanged\\.$`));
    assert.equal(await state(), `after the backup / ${BULK_ROWS - 10}`);
    assert.deepEqual(await helperDatabases(), [], 'no scratch or holding database is left on the server');
    assert.equal((await environmentLockHolder(config, production)).held, false, 'the restore released its lock on the server');
  });

  it('the server unreachable after the cut: the sentence names the scratch database left and how it goes; the next restore removes it', async (t) => {
    let reachable: (() => void) | undefined;
    const cut = cutMidLoad(() => {
      reachable = refuseNewSshConnections(server);
      return cutSshConnections();
    });
    let lockLine = '';
    const error = await restoreDatabase({ config, environment: production }, { backupId }, never(), (event) => {
      cut.onProgress(event);
      if (event.step === 'lock') lockLine = event.logLine ?? event.message ?? '';
    }).then(() => undefined, (e: unknown) => e).finally(() => reachable?.());
    assert.ok(cut.cut() > 0, 'ssh connections were cut while the backup loaded');
    assert.ok(error instanceof Error && isEngineError(error), `one sentence of the engine, not ${String(error)}`);
    t.diagnostic(`the cut restore ended with: ${error.message}`);
    assert.doesNotMatch(error.message, /\n/);
    const left = await helperDatabases();
    assert.equal(left.length, 1, `the scratch database is left while the server could not be reached: ${left.join(', ')}`);
    assert.match(error.message, new RegExp(`${production.database!.name} was left unchanged; its scratch database ${left[0]} is left on the server`));
    assert.match(error.message, /the next restore removes it/);
    assert.equal(await state(), `after the backup / ${BULK_ROWS - 10}`);

    // the lock could not be released either: it names the restore, and removing it is the way out
    const { holder } = await environmentLockHolder(config, production);
    t.diagnostic(`lock: ${lockLine}`);
    assert.match(holder?.operation ?? '', new RegExp(`^restore of backup ${backupId}$`));
    assert.equal(await removeEnvironmentLock(config, production, holder?.token), true);

    const restored = await restoreDatabase({ config, environment: production }, { backupId, safetyBackup: true }, never());
    assert.equal(restored.backupId, backupId);
    assert.equal(await state(), `as backed up / ${BULK_ROWS}`);
    assert.deepEqual(await helperDatabases(), [], 'the next restore removed what the cut one left');
  });
});
