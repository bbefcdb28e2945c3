// npm run bench:remote [-- --containers 10] [--stops 10] [--idle-seconds 60] [--rows 200000] [--runs 3]
//
// The rig's remote server (test/rig/remote.ts), reached over ssh:// as a production
// server is, measured in one run:
// - live status: a status monitor over SSH on --containers containers of a bench
//   project on the server; the time from a container stop on the server (through its
//   own socket, as a teammate's `docker stop` there would be) to the monitor's update,
//   which comes through the Docker event stream; then, idle for --idle-seconds, the
//   Docker requests this process sends and the SSH logins the server's sshd accepts
//   (target: none, no polling);
// - backup: our backup of production's database into its volume on the server,
//   against what a user would otherwise type, `ssh server docker exec <db> mysqldump …
//   | gzip > file`, on the same rows, alternating, --runs times; wall time and SSH logins.
// Prints the figures and records them in BENCHMARKS.md (its own section).
import { spawn } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DualEnvConfig, Environment } from '../src/core/config';
import { dockerClientFor } from '../src/core/docker/client';
import { createStatusMonitor } from '../src/core/docker/statusMonitor';
import { backupCredentials, databaseOf } from '../src/core/operations/backupDatabase';
import { backupPlaceOf } from '../src/core/operations/backupPlaceOf';
import { REMOTE_ALIAS, ensureRemoteHalf, projectContainers, startRemoteServer, type RemoteServer } from '../test/rig';
import { BASE_IMAGE, projectName, repoRoot, stackServer } from '../test/rig/paths';
import { remoteProject, sqlOnServer } from '../test/remote/helpers';
import { childrenOf, sshLoginsOnServer } from '../test/remote/sshSessions';
import { benchServiceName, inParallel, ms, nextSnapshot, percentile, recordSection, startSleepingContainers, stopLatencies } from './bench/benchHelpers';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}

const CONTAINERS = option('containers', 10);
const STOPS = Math.min(option('stops', 10), CONTAINERS);
const IDLE_SECONDS = option('idle-seconds', 60);
const ROWS = option('rows', 200_000);
const RUNS = option('runs', 3);
const COALESCE_MS = 150;
const benchProject = `${projectName}-remote-bench`;
const serviceName = benchServiceName;
const seconds = (value: number) => `${(value / 1000).toFixed(2)} s`;
const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

/** HTTP requests this process sends through `agent` (dockerode's requests over ssh://). */
function countRequests(agent: unknown): { count(): number; stop(): void } {
  let count = 0;
  const onStart = (message: unknown) => {
    if ((message as { request: { agent?: unknown } }).request.agent === agent) count++;
  };
  diagnostics.subscribe('http.client.request.start', onStart);
  return { count: () => count, stop: () => diagnostics.unsubscribe('http.client.request.start', onStart) };
}

/** This process's ssh children that carry an engine connection (`docker system dial-stdio`). */
function engineConnections(): number {
  return childrenOf(process.pid).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dial-stdio');
    } catch {
      return false;
    }
  }).length;
}

async function removeBenchContainers(server: RemoteServer): Promise<void> {
  const ours = await server.docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${benchProject}`] } });
  await inParallel(ours.map((c) => () => server.docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)), 4);
}

interface LiveStatusFigures {
  firstSnapshotMs: number; firstSnapshotLogins: number;
  latencies: number[]; stopCalls: number[];
  idleRequests: number; idleLogins: number; idleCpuMs: number; openConnections: number;
}

async function liveStatus(server: RemoteServer): Promise<LiveStatusFigures> {
  await removeBenchContainers(server);
  console.log(`live status: ${CONTAINERS} containers of ${BASE_IMAGE} on the server (project ${benchProject})`);
  const ids = await startSleepingContainers(server.docker, BASE_IMAGE, benchProject, CONTAINERS, 4);
  const environment: Environment = {
    name: 'bench', label: 'Bench', isProduction: false, dockerHost: server.dockerHost,
    services: Array.from({ length: CONTAINERS }, (_, i) => serviceName(i)),
    branchPattern: '*', requireStagingFirst: false,
    backups: { folder: path.join(os.tmpdir(), 'dual-env-bench-backups'), retention: 1 },
    healthTimeoutSeconds: 60,
  };
  const config: DualEnvConfig = { file: '(benchmark)', projectDir: repoRoot, projectName: benchProject, environments: [environment], services: new Map(), declared: true, variables: {} };
  const docker = dockerClientFor(environment);
  const requests = countRequests((docker.modem as unknown as { agent: unknown }).agent);
  const monitor = createStatusMonitor({ config, dockerFor: () => docker, coalesceMs: COALESCE_MS });
  try {
    const loginsBefore = sshLoginsOnServer(server);
    const synced = performance.now();
    monitor.start();
    await nextSnapshot(monitor, (s) => s[0].health === 'healthy' && s[0].containers.length === CONTAINERS);
    const firstSnapshotMs = performance.now() - synced;
    const firstSnapshotLogins = sshLoginsOnServer(server) - loginsBefore;

    const { latencies, stopCalls } = await stopLatencies(monitor, server.docker, ids, STOPS);
    console.log(`  stop → update: median ${ms(median(latencies))} over ${STOPS} stops`);

    await new Promise((r) => setTimeout(r, 2000)); // the last refresh settles
    const idleLoginsBefore = sshLoginsOnServer(server);
    const idleRequestsBefore = requests.count();
    const cpuBefore = process.cpuUsage();
    console.log(`  idle for ${IDLE_SECONDS} s…`);
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const cpu = process.cpuUsage(cpuBefore);
    return {
      firstSnapshotMs, firstSnapshotLogins, latencies, stopCalls,
      idleRequests: requests.count() - idleRequestsBefore,
      idleLogins: sshLoginsOnServer(server) - idleLoginsBefore,
      idleCpuMs: (cpu.user + cpu.system) / 1000,
      openConnections: engineConnections(),
    };
  } finally {
    monitor.dispose();
    requests.stop();
    await removeBenchContainers(server);
  }
}

interface BackupFigures { ours: number[]; oursLogins: number[]; oursBytes: number; user: number[]; userBytes: number; userFast: number[]; userFastBytes: number }

/** `ssh server docker exec <db> mysqldump … | gzip [-1] > file`, as a user would type it, with two processes and a pipe. */
async function userBackup(container: string, file: string, gzipArgs: string[]): Promise<number> {
  // the server's dump tool inside the database container, with the root password the container already holds
  const dump = 'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec "$(command -v mariadb-dump || command -v mysqldump)" -uroot --single-transaction --routines --events --triggers --hex-blob "$MYSQL_DATABASE"';
  const start = performance.now();
  const ssh = spawn('ssh', [REMOTE_ALIAS, 'docker', 'exec', container, 'sh', '-c', `'${dump.replace(/'/g, `'\\''`)}'`], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = fs.openSync(file, 'w');
  const gzip = spawn('gzip', gzipArgs, { stdio: ['pipe', output, 'inherit'] });
  fs.closeSync(output);
  ssh.stdout.pipe(gzip.stdin as NodeJS.WritableStream);
  let stderr = '';
  ssh.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exit = (child: ReturnType<typeof spawn>) => new Promise<number | null>((resolve) => child.on('close', resolve));
  const [sshCode, gzipCode] = await Promise.all([exit(ssh), exit(gzip)]);
  if (sshCode !== 0 || gzipCode !== 0) throw new Error(`ssh … mysqldump | gzip failed (ssh ${sshCode}, gzip ${gzipCode}): ${stderr.trim().split('\n').at(-1)}`);
  return performance.now() - start;
}

async function backups(server: RemoteServer, work: string): Promise<BackupFigures> {
  await ensureRemoteHalf(server, 'production');
  const project = remoteProject(server);
  try {
    console.log(`backup: ${ROWS} rows of bench_bulk in production's database on the server`);
    await sqlOnServer(server, `DROP TABLE IF EXISTS bench_bulk; CREATE TABLE bench_bulk (id INT AUTO_INCREMENT PRIMARY KEY, pad VARCHAR(200));`
      + ` INSERT INTO bench_bulk (pad) SELECT CONCAT(SHA2(RAND(), 256), SHA2(RAND(), 256)) FROM information_schema.columns a, information_schema.columns b LIMIT ${ROWS}`);
    const config = project.config();
    const production = config.environments.find((e) => e.name === 'production')!;
    const credentials = await backupCredentials(config, databaseOf(production));
    const place = backupPlaceOf(config, production);
    const [database] = await projectContainers(server.docker, ['production-database']);
    const figures: BackupFigures = { ours: [], oursLogins: [], oursBytes: 0, user: [], userBytes: 0, userFast: [], userFastBytes: 0 };
    const ours = async () => {
      const logins = sshLoginsOnServer(server);
      const start = performance.now();
      const record = await place.create({ credentials }, { environment: 'production' }, new AbortController().signal);
      figures.ours.push(performance.now() - start);
      figures.oursLogins.push(sshLoginsOnServer(server) - logins);
      figures.oursBytes = record.sizeBytes;
      await place.delete(record.id);
    };
    const user = async () => {
      const file = path.join(work, 'dump.sql.gz');
      figures.user.push(await userBackup(database.Id, file, []));
      figures.userBytes = fs.statSync(file).size;
      figures.userFast.push(await userBackup(database.Id, file, ['-1']));
      figures.userFastBytes = fs.statSync(file).size;
    };
    for (let run = 0; run < RUNS; run++) {
      // alternating, so that neither always runs on a warmer server
      for (const step of run % 2 === 0 ? [ours, user] : [user, ours]) await step();
      console.log(`  round ${run + 1}: ours ${seconds(figures.ours[run])}, ssh | gzip ${seconds(figures.user[run])}, ssh | gzip -1 ${seconds(figures.userFast[run])}`);
    }
    return figures;
  } finally {
    await sqlOnServer(server, 'DROP TABLE IF EXISTS bench_bulk').catch(() => undefined);
    project.remove();
  }
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg()[0];
  const server = await startRemoteServer();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-bench-remote-'));
  try {
    const live = await liveStatus(server);
    const backup = await backups(server, work);
    const loadAfter = os.loadavg()[0];
    const engine = (await server.docker.version()).Version;
    const databaseVersion = await sqlOnServer(server, 'SELECT VERSION()');
    const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
    const ratio = (theirs: number[], ours: number[]) => theirs.map((t, i) => (t / ours[i]).toFixed(2));
    const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
    recordSection('## Remote server over SSH (', [
      '## Remote server over SSH (`npm run bench:remote`)',
      '',
      `The rig's remote server (its own network namespace, dockerd ${engine} and sshd, reached over a veth pair through the rig's \`ssh\` alias; see docs/design/remote-environments.md), measured ${when} UTC`,
      `on the rig machine (${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}), load average ${loadBefore.toFixed(1)} at the start and ${loadAfter.toFixed(1)} at the end`,
      '(the machine is shared with other checkouts\' tests). The engine\'s Docker calls share kept-alive `ssh … docker system dial-stdio` connections (`src/core/docker/sshAgent.ts`).',
      '',
      `### Live status over SSH: ${CONTAINERS} containers on the server`,
      '',
      '| measure | figure |',
      '|---|---|',
      `| first snapshot (1 list + ${CONTAINERS} inspects, the event stream opened) | ${ms(live.firstSnapshotMs)}, ${live.firstSnapshotLogins} SSH logins |`,
      `| container stop on the server → monitor's update, median of ${STOPS} | ${ms(median(live.latencies))} |`,
      `| the same, p95 of ${STOPS} | ${ms(percentile([...live.latencies].sort((a, b) => a - b), 95))} |`,
      `| the \`stop\` call alone (server's own socket, t=0), median | ${ms(median(live.stopCalls))} |`,
      `| idle for ${IDLE_SECONDS} s: Docker requests sent over SSH | **${live.idleRequests}** |`,
      `| idle for ${IDLE_SECONDS} s: SSH logins on the server | **${live.idleLogins}** |`,
      `| idle for ${IDLE_SECONDS} s: CPU of this process | ${live.idleCpuMs.toFixed(1)} ms |`,
      `| engine connections open after the idle time | ${live.openConnections} (the event stream's) |`,
      '',
      `### Backup through the SSH route: production's database on the server (${stackServer === 'mysql' ? 'MySQL' : 'MariaDB'} ${databaseVersion})`,
      '',
      `${ROWS.toLocaleString('en')} rows of 128 random hex characters (bench_bulk) plus the sample app's tables; medians of ${RUNS} alternating rounds.`,
      'Ours: the backup into the server\'s volume (dump read here through `ssh -W`, gzip level 1, per-table checksums, uploaded to the volume, verified there).',
      'The user\'s: `ssh dual-env-remote docker exec <database container> mysqldump --single-transaction --routines --events --triggers --hex-blob <db> | gzip > dump.sql.gz` on this machine (the dump tool of the database\'s own image; one SSH login).',
      '',
      '| | wall time | SSH logins | dump.sql.gz | user\'s time / ours |',
      '|---|---|---|---|---|',
      `| ours (stored on the server) | ${seconds(median(backup.ours))} | ${median(backup.oursLogins)} | ${mib(backup.oursBytes)} | |`,
      `| \`ssh … mysqldump \\| gzip\` | ${seconds(median(backup.user))} | 1 | ${mib(backup.userBytes)} | **${(median(backup.user) / median(backup.ours)).toFixed(2)}×** (rounds ${ratio(backup.user, backup.ours).join(', ')}) |`,
      `| \`ssh … mysqldump \\| gzip -1\` | ${seconds(median(backup.userFast))} | 1 | ${mib(backup.userFastBytes)} | ${(median(backup.userFast) / median(backup.ours)).toFixed(2)}× (rounds ${ratio(backup.userFast, backup.ours).join(', ')}) |`,
    ].join('\n'));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench:remote failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
