// How Dual Env reaches a MySQL server the way users set one up: an account on
// MySQL's default caching_sha2_password, over plain TCP and over TLS when the
// server requires it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, it } from 'node:test';
import { createBackup } from '../../../src/core/database';
import { openConnection, rowsOf } from '../../../src/core/database/connection';
import { describeOnEachServer, dropDatabases, never, noProgress, recreateDatabase, runSql, startDatabaseRig, tempFolder, type DatabaseRig } from './helpers';

const DATABASE = 'dualenv_tls';
const USER = 'dualenv_sha2';
const PASSWORD = 'sha2-only-password';

describeOnEachServer('connecting to MySQL as its users do', (kind) => {
  let db: DatabaseRig;
  let folder: string;
  const account = () => ({ ...db.root(DATABASE), user: USER, password: PASSWORD });

  before(async () => {
    db = await startDatabaseRig(kind);
    folder = tempFolder('tls');
    await recreateDatabase(db.root(DATABASE), DATABASE);
    await runSql(db.root(DATABASE), 'CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO t VALUES (1, \'x\')');
    // a new account: its first login cannot use the server's cache, so the password goes the long way (RSA over plain TCP)
    await runSql(db.root(DATABASE), `DROP USER IF EXISTS '${USER}'@'%'; CREATE USER '${USER}'@'%' IDENTIFIED WITH caching_sha2_password BY '${PASSWORD}'; GRANT ALL ON \`${DATABASE}\`.* TO '${USER}'@'%'`);
  });

  after(async () => {
    const admin = await openConnection(db.root(DATABASE));
    await admin.query('SET GLOBAL require_secure_transport = OFF').finally(() => admin.end());
    await runSql(db.root(DATABASE), `DROP USER IF EXISTS '${USER}'@'%'`);
    await dropDatabases(db.root(DATABASE), DATABASE);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('logs in with caching_sha2_password over plain TCP, the first time and from the cache', async () => {
    const [account_] = await runSql(db.root(DATABASE), `SELECT plugin FROM mysql.user WHERE user = '${USER}'`) as { plugin: string }[];
    assert.equal(account_.plugin, 'caching_sha2_password');
    for (const attempt of ['full authentication', 'cached']) {
      const connection = await openConnection(account());
      try {
        const [row] = await rowsOf<{ who: string }>(connection, 'SELECT CURRENT_USER() AS who');
        const [status] = await rowsOf<{ Value: string }>(connection, "SHOW SESSION STATUS LIKE 'Ssl_cipher'");
        assert.equal(row.who, `${USER}@%`, attempt);
        assert.equal(status.Value, '', `${attempt}: plain TCP`);
      } finally {
        await connection.end();
      }
    }
  });

  it('backs up over TLS when the server requires it, and encrypts when told TLS is required', async () => {
    await runSql(db.root(DATABASE), 'SET GLOBAL require_secure_transport = ON');
    try {
      const connection = await openConnection(account());
      try {
        const [status] = await rowsOf<{ Value: string }>(connection, "SHOW SESSION STATUS LIKE 'Ssl_cipher'");
        assert.match(status.Value, /\w/, 'the connection is encrypted');
      } finally {
        await connection.end();
      }
      const backup = await createBackup({ credentials: account(), folder }, { environment: 'staging' }, never(), noProgress);
      assert.equal(backup.verified, true);
      assert.deepEqual(backup.manifest!.tables.map((t) => [t.name, t.rows]), [['t', 1]]);
    } finally {
      // the tests' own fixture connections are plain: switch back through Dual Env's
      const admin = await openConnection(db.root(DATABASE));
      await admin.query('SET GLOBAL require_secure_transport = OFF').finally(() => admin.end());
    }
    const required = await openConnection({ ...account(), tls: { mode: 'required' } });
    try {
      const [status] = await rowsOf<{ Value: string }>(required, "SHOW SESSION STATUS LIKE 'Ssl_cipher'");
      assert.match(status.Value, /\w/, '`tls: required` encrypts even when the server would take plain');
    } finally {
      await required.end();
    }
  });
}, ['mysql']);
