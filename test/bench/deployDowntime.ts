// npm run bench:deploy — downtime of a production deploy of the sample app.
// Polls http://127.0.0.1:<production port>/api/health every 50 ms while real
// deploys run (each one rebuilds both app images from a changed source) and
// reports the longest stretch without an HTTP 200, and where it fell relative to
// the build. Runs on the rig, on a temp git copy of the project (test/support/tempProject.ts).
import { databaseBackups } from '../../src/core/operations/databaseBackups';
import { deployProduction } from '../../src/core/operations/deployProduction';
import type { ProgressEvent } from '../../src/core/common/progress';
import { compose, composeChecked, projectName, servicesOf, startRig } from '../rig';
import { watchHttp } from '../support/httpWatch';
import { makeTempProject } from '../support/tempProject';

const DEPLOYS = Number(process.env.BENCH_DEPLOYS ?? 3);

async function main(): Promise<void> {
  const rig = await startRig(['staging', 'production']);
  const project = makeTempProject('stable/prisma-mysql-bench');
  const config = project.config();
  const deps = { config, docker: rig.docker, compose: await compose(), backups: databaseBackups(config) };
  const url = `http://127.0.0.1:${rig.env.PRODUCTION_HTTP_PORT}/api/health`;
  const rows: string[] = [];
  try {
    for (let n = 1; n <= DEPLOYS; n++) {
      project.write('examples/wms/frontend/html/index.html', `<p>bench release ${n} ${Date.now()}</p>\n`);
      project.write('examples/wms/backend/server.js', `${project.read('examples/wms/backend/server.js')}// bench release ${n}\n`);
      const marks: Record<string, number> = {};
      const watch = watchHttp(url, 50);
      const started = Date.now();
      const onProgress = (event: ProgressEvent) => {
        if (event.logLine === undefined) marks[`${event.step}:${event.state}`] ??= started + event.elapsedMs;
      };
      const result = await deployProduction(deps, { confirm: async () => true, stagingFirst: 'ask', message: `bench release ${n}`, healthTimeoutSeconds: 180 }, new AbortController().signal, onProgress);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const seen = await watch.stop();
      if (result.outcome !== 'succeeded') throw new Error(`deploy ${n} ended ${result.outcome}`);
      const firstFailure = seen.failures[0]?.at;
      const buildDone = marks['build:done'];
      const buildMs = buildDone - marks['build:running'];
      const total = Date.now() - started;
      const gapAfterBuild = firstFailure === undefined || firstFailure >= buildDone;
      rows.push(`| ${n} | ${(total / 1000).toFixed(1)} s | ${(buildMs / 1000).toFixed(1)} s | ${(seen.longestGapMs / 1000).toFixed(2)} s | ${seen.failures.length} of ${seen.requests} | ${gapAfterBuild ? 'yes' : 'NO'} |`);
      console.error(`deploy ${n}: total ${total} ms, build ${buildMs} ms, longest gap without 200 ${seen.longestGapMs} ms (${seen.failures.length}/${seen.requests} polls failed), gap after build: ${gapAfterBuild}`);
    }
  } finally {
    await composeChecked(['up', '-d', '--build', ...servicesOf('production')]).catch(() => undefined);
    for (const image of await rig.docker.listImages()) {
      for (const tag of image.RepoTags ?? []) {
        if (tag.startsWith(`${projectName}/`) && /:rollback-/.test(tag)) await rig.docker.getImage(tag).remove().catch(() => undefined);
      }
    }
    project.remove();
  }
  console.log('| deploy | whole deploy | build (old version serving) | longest gap without 200 | failed polls | gap after build |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
