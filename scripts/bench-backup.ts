// npm run bench:backup [-- --server mysql|mariadb] [--size-mb 500] [--parallel 2] [--runs 3]
//
// Generates a database of about --size-mb MB of SQL on the rig's standalone
// server of that kind (several tables, mixed types; kept between runs when the
// size is the same), then times, in one run, our backup against that server's
// own dump tool (`mysqldump` / `mariadb-dump --single-transaction`, also piped
// through `gzip -1`, the kind of file we write) and our restore against its own
// client loading the stock dump. The stock tools run from the server's image in
// a helper container on the host's network (reading and writing the work folder,
// mounted, rather than streaming through docker exec), so they reach the server through
// the same published port ours does. Ours runs in a child process
// (scripts/bench/backupChild.ts, bundled as the engine ships) so its peak RSS
// and CPU are its own.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import type { DatabaseCredentials } from '../src/core/config/credentials';
import * as esbuild from 'esbuild';
import { DATABASE_SERVERS, startDatabaseServer, startRig, withOthersPaused, type DatabaseServerKind } from '../test/rig';
import { seq } from '../test/integration/database/helpers';

const SOURCE = 'dualenv_bench_source';
const OURS = 'dualenv_bench_ours';
const CLIENT = 'dualenv_bench_client';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}

function serverOption(): DatabaseServerKind {
  const index = process.argv.indexOf('--server');
  const kind = index === -1 ? 'mysql' : process.argv[index + 1];
  if (kind !== 'mysql' && kind !== 'mariadb') throw new Error(`--server takes mysql or mariadb, not ${kind}`);
  return kind;
}

async function admin(credentials: DatabaseCredentials, database?: string) {
  return mysql.createConnection({ host: credentials.host, port: credentials.port, user: credentials.user, password: credentials.password, database, multipleStatements: true });
}

/** About `sizeMb` MB of SQL over four tables: orders (numbers, dates), events (JSON, text), files (binary), names (UTF-8). */
async function generate(root: DatabaseCredentials, sizeMb: number): Promise<void> {
  const connection = await admin(root);
  try {
    const [existing] = await connection.query('SELECT size_mb FROM information_schema.TABLES t JOIN dualenv_bench_source.meta m WHERE t.TABLE_SCHEMA = ? LIMIT 1', [SOURCE]).catch(() => [[]]) as unknown as [{ size_mb: number }[]];
    if (existing[0]?.size_mb === sizeMb) return;
    console.error(`generating about ${sizeMb} MB in ${SOURCE}…`);
    // rows per table from the SQL bytes each row takes in a dump
    const rows = (share: number, bytesPerRow: number) => Math.max(1000, Math.round((sizeMb * 1024 * 1024 * share) / bytesPerRow));
    await connection.query(`DROP DATABASE IF EXISTS ${SOURCE}; CREATE DATABASE ${SOURCE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; USE ${SOURCE};
      CREATE TABLE meta (size_mb INT);
      CREATE TABLE orders (id BIGINT UNSIGNED PRIMARY KEY, customer INT NOT NULL, amount DECIMAL(12,2), tax DOUBLE, status ENUM('open','paid','shipped'),
        created DATETIME(3), shipped DATE NULL, reference VARCHAR(40), KEY (customer));
      CREATE TABLE events (id INT PRIMARY KEY, kind VARCHAR(20), payload JSON, note TEXT);
      CREATE TABLE files (id INT PRIMARY KEY, name VARCHAR(100), digest BINARY(16), content BLOB);
      CREATE TABLE names (id INT PRIMARY KEY, first VARCHAR(60), last VARCHAR(60), bio VARCHAR(500)) ;`);
    await connection.query(`INSERT INTO meta VALUES (${sizeMb})`);
    await connection.query(`INSERT INTO orders SELECT seq, seq % 5000, (seq % 100000) / 100, seq / 3, ELT(1 + seq % 3, 'open','paid','shipped'),
      '2020-01-01' + INTERVAL seq SECOND, IF(seq % 4 = 0, NULL, '2021-01-01' + INTERVAL (seq % 900) DAY), CONCAT('ORD-', LPAD(seq, 12, '0')) FROM ${seq(rows(0.35, 110))}`);
    await connection.query(`INSERT INTO events SELECT seq, ELT(1 + seq % 4, 'login','view','buy','error'),
      JSON_OBJECT('user', seq % 777, 'path', CONCAT('/p/', seq), 'tags', JSON_ARRAY('a', 'b', seq % 9)), REPEAT(CONCAT('line ', seq, ' said "hi"\\n'), 4) FROM ${seq(rows(0.25, 200))}`);
    await connection.query(`INSERT INTO files SELECT seq, CONCAT('file-', seq, '.bin'), UNHEX(LEFT(SHA2(seq, 256), 32)), UNHEX(REPEAT(SHA2(seq, 256), 8)) FROM ${seq(rows(0.25, 600))}`);
    await connection.query(`INSERT INTO names SELECT seq, ELT(1 + seq % 5, 'Zoë', 'José', 'Łukasz', '美咲', 'O''Brien'), CONCAT('Müller-', seq),
      REPEAT('Grüße aus Köln 😀 ', 10) FROM ${seq(rows(0.15, 260))}`);
  } finally {
    await connection.end();
  }
}

interface Timed { seconds: number; peakRssMb?: number; serverCpu?: number; clientCpu?: number }

/** CPU seconds used so far by a container (its cgroup, v1 or v2), to see where a step's time goes. */
function containerCpuSeconds(container: string): number {
  const id = execFileSync('docker', ['inspect', '--format', '{{.Id}}', container], { encoding: 'utf8' }).trim();
  const v1 = `/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`;
  if (fs.existsSync(v1)) return Number(fs.readFileSync(v1, 'utf8')) / 1e9;
  const v2 = [`/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`, `/sys/fs/cgroup/docker/${id}/cpu.stat`].find((f) => fs.existsSync(f));
  return v2 ? Number(/usage_usec (\d+)/.exec(fs.readFileSync(v2, 'utf8'))?.[1]) / 1e6 : Number.NaN;
}

/**
 * A container of the server's image on the host's network: the stock tools run
 * in it, over the published port as ours. The work folder is mounted at its own
 * path, so they read and write their files directly, as ours does, instead of
 * streaming them through `docker exec`.
 */
function startToolContainer(image: string, work: string): string {
  const name = `dual-env-bench-tools-${process.pid}`;
  execFileSync('docker', ['run', '-d', '--rm', '--name', name, '--network', 'host', '-v', `${work}:${work}`, '--entrypoint', 'sleep', image, 'infinity'], { stdio: 'ignore' });
  return name;
}

/** CPU seconds of this process's finished children (utime + stime of those waited for). */
function childrenCpuSeconds(): number {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string; stdout?: string }): Promise<Timed & { output: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      stdio: [options.stdin ? fs.openSync(options.stdin, 'r') : 'ignore', options.stdout ? fs.openSync(options.stdout, 'w') : 'pipe', 'pipe'],
    });
    let output = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code === 0) resolve({ seconds, output });
      else reject(new Error(`${command} exited with ${code}: ${stderr.slice(-500)}`));
    });
  });
}

/**
 * Our backup or restore in a child process, reporting its peak RSS. The child
 * is bundled by esbuild as the shipped engine is (minified, no tsx at run
 * time), so the figures are those of the code users run.
 */
async function ours(op: 'backup' | 'restore', root: DatabaseCredentials, folder: string, parallel: number, backupId?: string): Promise<Timed & { id: string }> {
  const result = await run(process.execPath, [await childBundle(), op, folder, String(parallel), backupId ?? ''], {
    env: { DUAL_ENV_BENCH_CREDENTIALS: JSON.stringify(root) },
  });
  const report = JSON.parse(result.output.trim().split('\n').at(-1)!) as { id: string; peakRssMb: number };
  return { ...report, seconds: result.seconds };
}

let bundled: Promise<string> | undefined;
function childBundle(): Promise<string> {
  bundled ??= (async () => {
    const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-bench-child-')), 'backupChild.js');
    await esbuild.build({
      entryPoints: [path.join(__dirname, 'bench', 'backupChild.ts')], outfile, bundle: true, minify: true,
      platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', external: ['cpu-features', '*.node'],
    });
    return outfile;
  })();
  return bundled;
}

async function main(): Promise<void> {
  const sizeMb = option('size-mb', 500);
  const parallel = option('parallel', 2);
  const runs = option('runs', 3);
  const kind = serverOption();
  const { image, label, stockDump, stockClient } = DATABASE_SERVERS[kind];
  const rig = await startRig();
  const server = await startDatabaseServer(kind);
  const root = server.root(SOURCE);
  console.error(`${label} (${server.version}) on 127.0.0.1:${root.port}`);
  await generate(root, sizeMb);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-bench-'));
  const tools = startToolContainer(image, work);
  // the stock tool in the tools container, the password through MYSQL_PWD from this process's environment;
  // a redirection or pipe is a short sh script around "$@", the tool and its arguments
  const stock = (tool: string, args: string[], script?: string): [string, string[]] => {
    const command = [tool, '-h', root.host, '-P', String(root.port), '-u', 'root', ...args];
    return ['docker', ['exec', '-e', 'MYSQL_PWD', tools, ...(script ? ['sh', '-c', script, 'sh'] : []), ...command]];
  };
  const serverCpuSeconds = () => containerCpuSeconds(server.container);
  // the stock tools' own CPU is in the tools container's cgroup, not in the docker CLI that starts them
  const clientCpuSeconds = () => childrenCpuSeconds() + containerCpuSeconds(tools);
  const env = { MYSQL_PWD: root.password };
  try {
    const connection = await admin(root);
    await connection.query(`DROP DATABASE IF EXISTS ${OURS}; DROP DATABASE IF EXISTS ${CLIENT}; CREATE DATABASE ${CLIENT}`);
    const [[{ dataBytes }]] = await connection.query('SELECT SUM(DATA_LENGTH + INDEX_LENGTH) AS dataBytes FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [SOURCE]) as unknown as [{ dataBytes: string }[]];
    await connection.end();

    const dumpFile = path.join(work, 'mysqldump.sql');
    // the shared Docker daemon may restart under a run: a step that loses its server is run again (up to 3 times)
    const step = async <T extends Timed>(name: string, action: () => Promise<T>, reset?: () => Promise<void>): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        console.error(`${name}…`);
        try {
          if (attempt > 1) await reset?.();
          const [server, client] = [serverCpuSeconds(), clientCpuSeconds()];
          const result = { ...(await action()), serverCpu: 0, clientCpu: 0 };
          result.serverCpu = serverCpuSeconds() - server;
          result.clientCpu = clientCpuSeconds() - client;
          console.error(`${name}: ${result.seconds.toFixed(1)} s${result.peakRssMb ? `, peak RSS ${result.peakRssMb} MB` : ''}, CPU: server ${result.serverCpu.toFixed(1)} s, client ${result.clientCpu.toFixed(1)} s`);
          return result;
        } catch (error) {
          if (attempt > 3 || !/lost|closed|ECONNREFUSED|ECONNRESET|Can't connect|2013|2002|exited with 1/i.test(String(error))) throw error;
          console.error(`${name} lost the server (${String(error).slice(0, 120)}); waiting for it and running the step again`);
          await new Promise((resolve) => setTimeout(resolve, 5000));
          await startDatabaseServer(kind);
        }
      }
    };
    const recreate = (database: string) => async () => {
      const connection = await admin(root);
      await connection.query(`DROP DATABASE IF EXISTS ${database}; CREATE DATABASE ${database}`);
      await connection.end();
    };
    const dropOurs = async () => {
      const connection = await admin(root);
      await connection.query(`DROP DATABASE IF EXISTS ${OURS}`);
      await connection.end();
    };
    // MySQL's dump would set the server's GTID_PURGED, which a load into the same server refuses; ours writes no GTIDs either
    const dumpArgs = ['--single-transaction', '--routines', '--events', '--triggers', '--hex-blob', ...(kind === 'mysql' ? ['--set-gtid-purged=OFF'] : []), SOURCE];
    const rounds: { theirBackup: Timed; ourBackup: Timed & { id: string }; theirGzipBackup: Timed; theirRestore: Timed; ourRestore: Timed }[] = [];
    // health checks of the other services (a process every second each) would take a share of the cores
    await withOthersPaused(rig.docker, [], async () => {
      for (let round = 1; round <= runs; round++) {
        console.error(`round ${round} of ${runs}`);
        await recreate(CLIENT)();
        await dropOurs();
        const theirBackup = await step(`${stockDump} --single-transaction`, () => run(...stock(stockDump, [`--result-file=${dumpFile}`, ...dumpArgs]), { env }));
        const ourBackup = await step('our backup', () => ours('backup', root, work, parallel));
        // for context: the stock tool writing a compressed file too, as ours does
        const theirGzipBackup = await step(`${stockDump} | gzip -1`, () => run(...stock(stockDump, dumpArgs, `"$@" | gzip -1 > ${dumpFile}.gz`), { env }));
        const theirRestore = await step(`${stockClient} client loading the ${stockDump} file`, () => run(...stock(stockClient, [CLIENT], `"$@" < ${dumpFile}`), { env }), recreate(CLIENT));
        const ourRestore = await step('our restore', () => ours('restore', root, work, parallel + 1, ourBackup.id), dropOurs);
        rounds.push({ theirBackup, ourBackup, theirGzipBackup, theirRestore, ourRestore });
        if (round < runs) fs.rmSync(path.join(work, ourBackup.id), { recursive: true });
      }
    });

    const sqlBytes = fs.statSync(dumpFile).size;
    const gzBytes = fs.statSync(path.join(work, rounds.at(-1)!.ourBackup.id, 'dump.sql.gz')).size;
    const mb = sqlBytes / 1024 / 1024;
    const median = (values: number[]) => values.slice().sort((x, y) => x - y)[Math.floor(values.length / 2)];
    const of = (pick: (r: (typeof rounds)[number]) => Timed): Timed => {
      const all = rounds.map(pick);
      return {
        seconds: median(all.map((t) => t.seconds)),
        serverCpu: median(all.map((t) => t.serverCpu ?? 0)),
        clientCpu: median(all.map((t) => t.clientCpu ?? 0)),
        peakRssMb: Math.max(...all.map((t) => t.peakRssMb ?? 0)),
      };
    };
    const ratios = (theirs: (r: (typeof rounds)[number]) => Timed, ours: (r: (typeof rounds)[number]) => Timed) => {
      const each = rounds.map((r) => theirs(r).seconds / ours(r).seconds);
      return `${median(each).toFixed(2)}× (rounds: ${each.map((x) => x.toFixed(2)).join(', ')})`;
    };
    const [theirBackup, ourBackup, theirGzipBackup, theirRestore, ourRestore] = [
      of((r) => r.theirBackup), of((r) => r.ourBackup), of((r) => r.theirGzipBackup), of((r) => r.theirRestore), of((r) => r.ourRestore),
    ];
    const rate = (t: Timed) => `${(mb / t.seconds).toFixed(1)} MB/s`;
    const cpu = (t: Timed) => `${t.serverCpu?.toFixed(1)} + ${t.clientCpu?.toFixed(1)}`;
    const lines = [
      `${label} (${server.version}). Database: ${(Number(dataBytes) / 1024 / 1024).toFixed(0)} MB in InnoDB (data + indexes), ${mb.toFixed(0)} MB as ${stockDump} SQL; our dump.sql.gz ${(gzBytes / 1024 / 1024).toFixed(0)} MB. Our backup: ${parallel} connections; our restore: ${parallel + 1}. Medians of ${runs} rounds; peak RSS is the highest.`,
      '',
      '| | ours | stock tool | ratio (stock time / ours) | our peak RSS | CPU s, ours: server + client | CPU s, stock: server + client |',
      '|---|---|---|---|---|---|---|',
      `| backup | ${ourBackup.seconds.toFixed(1)} s (${rate(ourBackup)}) | ${stockDump} --single-transaction: ${theirBackup.seconds.toFixed(1)} s (${rate(theirBackup)}) | ${ratios((r) => r.theirBackup, (r) => r.ourBackup)} | ${ourBackup.peakRssMb} MB | ${cpu(ourBackup)} | ${cpu(theirBackup)} |`,
      `| backup, for context | ${ourBackup.seconds.toFixed(1)} s | ${stockDump} \\| gzip -1: ${theirGzipBackup.seconds.toFixed(1)} s | ${ratios((r) => r.theirGzipBackup, (r) => r.ourBackup)} | | | ${cpu(theirGzipBackup)} |`,
      `| restore | ${ourRestore.seconds.toFixed(1)} s (${rate(ourRestore)}) | ${stockClient} < dump: ${theirRestore.seconds.toFixed(1)} s (${rate(theirRestore)}) | ${ratios((r) => r.theirRestore, (r) => r.ourRestore)} | ${ourRestore.peakRssMb} MB | ${cpu(ourRestore)} | ${cpu(theirRestore)} |`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    execFileSync('docker', ['rm', '-f', tools], { stdio: 'ignore' });
    fs.rmSync(work, { recursive: true, force: true });
    const connection = await admin(root);
    await connection.query(`DROP DATABASE IF EXISTS ${OURS}; DROP DATABASE IF EXISTS ${CLIENT}`);
    await connection.end();
  }
}

main().then(() => process.exit(0), (error: Error) => { console.error(`bench:backup: ${error.message}`); process.exit(1); });
