// A plain, real implementation of the operations' backup dependency for the
// deploy tests: mariadb-dump / mariadb against the rig's database over TCP.
// FIXME(issue 4): swap in the verified backup writer and atomic restore once merged.
import fs from 'node:fs';
import path from 'node:path';
import { runChecked } from '../../src/core/common/process';
import { compactTimestamp } from '../../src/core/common/time';
import { databaseCredentials, type DualEnvConfig, type Environment } from '../../src/core/config';
import type { BackupSummary, DatabaseBackups } from '../../src/core/operations/backupPort';

async function client(config: DualEnvConfig, environment: Environment) {
  const credentials = await databaseCredentials(config, environment.database!, { asRoot: true });
  const args = ['--protocol=TCP', '--host', credentials.host, '--port', String(credentials.port), '--user', credentials.user];
  return { args, env: { ...process.env, MYSQL_PWD: credentials.password }, database: credentials.database, redact: [credentials.password] };
}

export function sqlDumpBackups(config: DualEnvConfig): DatabaseBackups & { created: BackupSummary[] } {
  const created: BackupSummary[] = [];
  const read = (environment: Environment): BackupSummary[] => {
    if (!fs.existsSync(environment.backups.folder)) return [];
    return fs.readdirSync(environment.backups.folder).sort().reverse()
      .map((id) => path.join(environment.backups.folder, id, 'manifest.json'))
      .filter((file) => fs.existsSync(file))
      .map((file) => JSON.parse(fs.readFileSync(file, 'utf8')) as BackupSummary);
  };
  return {
    created,
    async create({ environment, gitCommit, images }, signal) {
      const db = await client(config, environment);
      let id = compactTimestamp(new Date());
      for (let n = 2; fs.existsSync(path.join(environment.backups.folder, id)); n++) id = `${compactTimestamp(new Date())}-${n}`;
      const { stdout } = await runChecked('mariadb-dump', [...db.args, '--single-transaction', '--skip-lock-tables', db.database], `Backing up ${db.database}`, { env: db.env, signal, redact: db.redact });
      const folder = path.join(environment.backups.folder, id);
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, 'dump.sql'), stdout);
      const summary: BackupSummary = { id, environment: environment.name, createdAt: new Date().toISOString(), gitCommit, images };
      fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify(summary));
      created.push(summary);
      return summary;
    },
    async restore({ environment, backupId, from }, signal) {
      const source = from ?? environment;
      const dump = fs.readFileSync(path.join(source.backups.folder, backupId, 'dump.sql'), 'utf8');
      const db = await client(config, environment);
      await runChecked('mariadb', [...db.args, db.database], `Restoring ${backupId} into ${db.database}`, { env: db.env, signal, input: dump, redact: db.redact });
    },
    async list(environment) {
      return read(environment);
    },
  };
}
