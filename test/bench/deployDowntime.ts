// npm run bench:deploy — failed requests during production deploys of the sample app (issue #15).
// A bounded open-loop load (50 requests/s through production's URL, alternating the
// frontend's page and the backend's /api/version, each request allowed 10 s) runs, in a
// thread of its own so the deploy's synchronous work cannot hold its schedule, for
// the whole of each deploy and stops by itself. Scenarios, BENCH_DEPLOYS (3) deploys each:
// a backend-only change, a frontend-only change, both, and a backend that fails its
// health check (after which production must run the old containers on its data, untouched).
// BENCH_BASELINE=1 adds both changed in a maintenance window (the old version stopped
// first, as every deploy did before), to show what the load sees without the switch.
// Runs on the rig, on a temp git copy of the project (test/support/tempProject.ts).
import mysql from 'mysql2/promise';
import { databaseBackups } from '../../src/core/operations/databaseBackups';
import { deployProduction, type DeployProductionOptions } from '../../src/core/operations/deployProduction';
import { NewVersionRejectedError } from '../../src/core/operations/replaceWithoutDowntime';
import { crashInProduction } from '../integration/operations/deployFixture';
import { compose, projectContainers, resetStacks, startRig, type Rig } from '../rig';
import { steadyLoadInThread } from '../support/steadyLoadThread';
import { makeTempProject, type TempProject } from '../support/tempProject';

const DEPLOYS = Number(process.env.BENCH_DEPLOYS ?? 3);
const FRONTEND = 'examples/wms/frontend/html/index.html';
const BACKEND = 'examples/wms/backend/server.js';

interface Scenario {
  name: string;
  /** Changes the project for deploy n; returns what to undo afterwards, if anything. */
  change: (project: TempProject, n: number) => (() => void) | void;
  expect: 'succeeded' | 'rejected';
  options?: Partial<DeployProductionOptions>;
}

const SCENARIOS: Scenario[] = [
  { name: 'backend only', expect: 'succeeded', change: (p, n) => { p.write(BACKEND, `${p.read(BACKEND)}// bench backend ${n} ${Date.now()}\n`); } },
  { name: 'frontend only', expect: 'succeeded', change: (p, n) => { p.write(FRONTEND, `<p>bench frontend ${n} ${Date.now()}</p>\n`); } },
  { name: 'backend and frontend', expect: 'succeeded', change: (p, n) => { p.write(BACKEND, `${p.read(BACKEND)}// bench both ${n}\n`); p.write(FRONTEND, `<p>bench both ${n} ${Date.now()}</p>\n`); } },
  {
    name: 'backend failing its health check', expect: 'rejected', change: (p) => {
      const before = p.read(BACKEND);
      p.write(BACKEND, crashInProduction(before));
      return () => p.write(BACKEND, before);
    },
  },
  ...(process.env.BENCH_BASELINE ? [{
    name: 'backend and frontend, maintenance window (baseline)', expect: 'succeeded' as const, options: { maintenanceWindow: true },
    change: (p: TempProject, n: number) => { p.write(BACKEND, `${p.read(BACKEND)}// bench baseline ${n}\n`); p.write(FRONTEND, `<p>bench baseline ${n} ${Date.now()}</p>\n`); },
  }] : []),
];

/** Production as the failing scenario must leave it: its app containers and images, and a checksum of its data. */
async function productionState(rig: Rig): Promise<string> {
  const containers = await projectContainers(rig.docker, ['production-frontend', 'production-backend']);
  const connection = await mysql.createConnection({ host: '127.0.0.1', port: Number(rig.env.PRODUCTION_DB_PORT), user: 'wms_user', password: rig.env.PRODUCTION_DB_PASSWORD, database: 'warehouse_wms' });
  try {
    const [rows] = await connection.query('CHECKSUM TABLE warehouses');
    return JSON.stringify({ containers: containers.map((c) => `${c.Id} ${c.ImageID} ${c.State}`).sort(), data: rows });
  } finally {
    await connection.end();
  }
}

async function main(): Promise<void> {
  const rig = await startRig(['staging', 'production']);
  const project = makeTempProject('stable/prisma-mysql-bench');
  const config = project.config();
  const deps = { config, docker: rig.docker, compose: await compose(), backups: databaseBackups(config) };
  const base = `http://127.0.0.1:${rig.env.PRODUCTION_HTTP_PORT}`;
  const lines: string[] = [];
  const rows: string[] = [];
  try {
    for (const scenario of SCENARIOS) {
      let failed = 0;
      let requests = 0;
      for (let n = 1; n <= DEPLOYS; n++) {
        const undo = scenario.change(project, n);
        const before = scenario.expect === 'rejected' ? await productionState(rig) : '';
        const started = Date.now();
        const load = steadyLoadInThread([`${base}/`, `${base}/api/version`], 50);
        const outcome = await deployProduction(deps, { confirm: async () => true, stagingFirst: 'ask', message: `bench: ${scenario.name} ${n}`, healthTimeoutSeconds: 180, ...scenario.options }, new AbortController().signal)
          .then((result) => result.outcome, (error: unknown) => (error instanceof NewVersionRejectedError ? 'rejected' : Promise.reject(error)));
        const seen = await load.stop();
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        undo?.();
        if (outcome !== scenario.expect) throw new Error(`${scenario.name}, deploy ${n}: ended ${outcome}, not ${scenario.expect}`);
        if (scenario.expect === 'rejected' && (await productionState(rig)) !== before) throw new Error(`${scenario.name}, deploy ${n}: production's containers, images or data changed`);
        failed += seen.failures.length;
        requests += seen.requests;
        const rate = (seen.requests / Number(seconds)).toFixed(1);
        rows.push(`| ${scenario.name} | ${n} | ${seconds} s | ${outcome} | ${seen.failures.length} of ${seen.requests} | ${rate} |`);
        console.error(`${scenario.name}, deploy ${n}: ${outcome} in ${seconds} s, failed requests ${seen.failures.length} of ${seen.requests} (${rate} requests/s)${seen.failures.length ? ` (first: ${JSON.stringify(seen.failures.slice(0, 3))})` : ''}`);
      }
      lines.push(`${scenario.name}: failed requests: ${failed} of ${requests}`);
    }
  } finally {
    await resetStacks(rig);
    project.remove();
  }
  console.log('| scenario | deploy | whole deploy | outcome | failed requests | requests/s |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log('');
  for (const line of lines) console.log(line);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
