// The database of an environment on ssh:// goes through the same SSH route as its
// engine: a backup and a restore of the remote production database work while its
// port is published only on the server's loopback, unreachable from this host.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { DualEnvConfig, Environment } from '../../src/core/config';
import { backupDatabase } from '../../src/core/operations/backupDatabase';
import { restoreDatabase } from '../../src/core/operations/restoreDatabase';
import { DATABASE_SERVERS, stackServer, type RemoteServer } from '../rig';
import { remoteProduction, sqlOnServer } from './helpers';
import type { TempProject } from '../support/tempProject';

function refusedFromHere(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => { socket.destroy(); resolve('connected'); });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe(`the remote production database over SSH (${DATABASE_SERVERS[stackServer].label})`, () => {
  let server: RemoteServer;
  let project: TempProject;
  let config: DualEnvConfig;
  let production: Environment;
  const marker = `remote_only_${crypto.randomBytes(4).toString('hex')}`;

  before(async () => {
    ({ server, project, config, production } = await remoteProduction());
    // only the server's database has this table: a backup holding it read the server
    await sqlOnServer(server, `CREATE TABLE ${marker} (id INT PRIMARY KEY, note VARCHAR(40)); INSERT INTO ${marker} VALUES (1, 'as backed up')`);
  });
  after(async () => {
    await sqlOnServer(server, `DROP TABLE IF EXISTS ${marker}`).catch(() => undefined);
    project?.remove();
  });

  it('is not reachable from this host: its port is on the server\'s loopback only', async () => {
    assert.equal(await refusedFromHere(server.names.serverIp, production.database!.port), 'ECONNREFUSED');
  });

  it('is backed up through SSH, verified, with what only the server holds', async () => {
    const record = await backupDatabase({ config, environment: production }, { reason: 'remote test' }, new AbortController().signal);
    assert.equal(record.verified, true);
    const tables = record.manifest!.tables.map((t) => t.name);
    assert.ok(tables.includes(marker), `the backup holds ${marker}: ${tables.join(', ')}`);
    // and the port is still closed from here while the backup worked
    assert.equal(await refusedFromHere(server.names.serverIp, production.database!.port), 'ECONNREFUSED');
  });

  it('is restored through SSH, after a safety backup', async () => {
    const backup = await backupDatabase({ config, environment: production }, { reason: 'before the remote restore test' }, new AbortController().signal);
    await sqlOnServer(server, `UPDATE ${marker} SET note = 'changed later' WHERE id = 1`);
    const result = await restoreDatabase({ config, environment: production }, { backupId: backup.id }, new AbortController().signal);
    assert.equal(result.backupId, backup.id);
    assert.ok(result.safetyBackup?.verified, 'production keeps a verified backup of what it held');
    assert.equal(await sqlOnServer(server, `SELECT note FROM ${marker} WHERE id = 1`), 'as backed up');
  });
});
