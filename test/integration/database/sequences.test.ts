// MariaDB sequences come back where they stood, and a column whose DEFAULT
// calls one calls the restored database's own, not the scratch database's
// the restore loaded it into, nor the source's.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { createBackup, restoreBackup, RestoreVerificationError, type BackupRecord } from '../../../src/core/database';
import { dropDatabases, loadWithStockClient, never, noProgress, recreateDatabase, runSql, startDatabaseRig, tempFolder, type DatabaseRig , describeOnEachServer } from './helpers';

const SOURCE = 'dualenv_sq_source';
const TARGET = 'dualenv_sq_target';
const STOCK = 'dualenv_sq_stock';

// sequences are MariaDB's own: MySQL has none
describeOnEachServer('sequences', (kind) => {
  let db: DatabaseRig;
  let folder: string;
  let backup: BackupRecord;

  const nextValue = async (database: string, sequence: string) =>
    ((await runSql(db.root(database), `SELECT NEXTVAL(${sequence}) AS v`)) as { v: string | number }[])[0].v;
  const idDefault = async (database: string) =>
    ((await runSql(db.root(database), `SELECT COLUMN_DEFAULT AS d FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${database}' AND TABLE_NAME = 'ticket' AND COLUMN_NAME = 'id'`)) as { d: string }[])[0].d;

  before(async () => {
    db = await startDatabaseRig(kind);
    folder = tempFolder('sequences');
    await recreateDatabase(db.root(SOURCE), SOURCE);
    await runSql(db.root(SOURCE), `
      CREATE SEQUENCE ticket_numbers START WITH 500 INCREMENT BY 5 CACHE 10;
      CREATE SEQUENCE spare START WITH 7 NOCACHE;
      CREATE TABLE ticket (id INT NOT NULL DEFAULT NEXT VALUE FOR ticket_numbers PRIMARY KEY, what VARCHAR(20));
      INSERT INTO ticket (what) VALUES ('first'), ('second');
      DO NEXTVAL(spare);`);
    backup = await createBackup({ credentials: db.root(SOURCE), folder }, { environment: 'staging' }, never(), noProgress);
    // the target already has a sequence of that name, at another value, and a table using it
    await recreateDatabase(db.root(TARGET), TARGET);
    await runSql(db.root(TARGET), 'CREATE SEQUENCE ticket_numbers START WITH 9000; CREATE TABLE ticket (id INT NOT NULL DEFAULT NEXT VALUE FOR ticket_numbers PRIMARY KEY, what VARCHAR(20))');
  });

  after(async () => {
    await dropDatabases(db.root(SOURCE), SOURCE, TARGET, STOCK);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('records each sequence and where it stood', () => {
    assert.deepEqual(backup.manifest!.sequences, [{ name: 'spare', next: '8', round: '0' }, { name: 'ticket_numbers', next: '550', round: '0' }]);
  });

  it('restores them into another database, with defaults calling that database\'s own', async () => {
    await runSql(db.root(TARGET), "INSERT INTO ticket (what) VALUES ('old target')");
    const result = await restoreBackup({ credentials: db.root(TARGET), folder }, { backupId: backup.id }, never(), noProgress);
    // the safety backup, written from the tables the swap moved aside, has the target's own sequence where it stood
    assert.deepEqual(result.safetyBackup?.manifest?.sequences, [{ name: 'ticket_numbers', next: '10000', round: '0' }]);
    await recreateDatabase(db.root(STOCK), STOCK);
    await restoreBackup({ credentials: db.root(STOCK), folder }, { backupId: result.safetyBackup!.id, safetyBackup: false }, never(), noProgress);
    assert.equal(await idDefault(STOCK), `nextval(\`${STOCK}\`.\`ticket_numbers\`)`);
    assert.deepEqual(await runSql(db.root(STOCK), 'SELECT id, what FROM ticket'), [{ id: 9000, what: 'old target' }]);
    assert.equal(await idDefault(TARGET), `nextval(\`${TARGET}\`.\`ticket_numbers\`)`);
    await runSql(db.root(TARGET), "INSERT INTO ticket (what) VALUES ('after restore')");
    const rows = await runSql(db.root(TARGET), 'SELECT id, what FROM ticket ORDER BY id') as { id: number; what: string }[];
    assert.deepEqual(rows, [{ id: 500, what: 'first' }, { id: 505, what: 'second' }, { id: 550, what: 'after restore' }]);
    assert.equal(Number(await nextValue(TARGET, 'spare')), 8);
    // the source's sequence was not the one called: it goes on from its cache (500, 505, then 510)
    assert.equal(Number(await nextValue(SOURCE, 'ticket_numbers')), 510);
  });

  it('loads with the stock client into a database of another name, calling that database\'s sequence', async () => {
    await recreateDatabase(db.root(STOCK), STOCK);
    await loadWithStockClient(db, db.root(STOCK), path.join(backup.path, 'dump.sql.gz'));
    assert.equal(await idDefault(STOCK), `nextval(\`${STOCK}\`.\`ticket_numbers\`)`);
    assert.equal(Number(await nextValue(STOCK, 'ticket_numbers')), 550);
  });

  it('refuses a backup whose sequence does not load where the manifest says, leaving the target as it was', async () => {
    const manifestFile = path.join(backup.path, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, sequences: [{ name: 'spare', next: '8', round: '0' }, { name: 'ticket_numbers', next: '999', round: '0' }] }));
    const before = await runSql(db.root(TARGET), 'SELECT id FROM ticket ORDER BY id');
    await assert.rejects(restoreBackup({ credentials: db.root(TARGET), folder }, { backupId: backup.id, safetyBackup: false }, never(), noProgress),
      (error: Error) => error instanceof RestoreVerificationError && /sequence ticket_numbers stands at 550/.test(error.message));
    assert.deepEqual(await runSql(db.root(TARGET), 'SELECT id FROM ticket ORDER BY id'), before);
  });
}, ['mariadb']);
