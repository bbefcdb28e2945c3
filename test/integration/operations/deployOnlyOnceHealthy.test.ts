// The edge switches a service to its new container only once that one passed its health
// check (issue #15): a new backend that answers every request with a marker of its own
// but fails its health check for a while is never seen through production's URL before
// the deploy's health gate passed, and a new backend that never passes is never seen at all.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NewVersionRejectedError } from '../../../src/core/operations/replaceWithoutDowntime';
import { projectContainers, projectName, stackLabel, waitHealthy } from '../../rig';
import { steadyLoad } from '../../support/steadyLoad';
import { RUN, deploySuite } from './deployFixture';

/** A backend whose every answer but its health check carries `marker`; the health check fails for its first `unhealthySeconds` (forever when undefined). */
const markedBackend = (server: string, marker: string, unhealthySeconds?: number) => server.replace('  if (url.pathname === \'/api/health\') {\n', [
  `  if (url.pathname !== '/api/health') return sendJson(res, 200, { marker: '${marker}' });`,
  unhealthySeconds === undefined
    ? '  return sendJson(res, 503, { status: \'never healthy\' });'
    : `  if (Date.now() - Date.parse(startedAt) < ${unhealthySeconds * 1000}) return sendJson(res, 503, { status: 'not yet' });`,
  '  if (url.pathname === \'/api/health\') {\n',
].join('\n'));

describe(`production deploys switch to the new version only once it is healthy [${stackLabel()}]`, () => {
  const { fresh } = deploySuite();

  it('sends no request to a new backend before its health check passes, then every one; not one request fails', async () => {
    const { rig, project, deploy, events, productionUrl } = await fresh();
    const marker = `NEW-BACKEND-${RUN}`;
    const server = project.read('examples/wms/backend/server.js');
    assert.ok(markedBackend(server, marker, 20) !== server, 'the backend changed');
    project.write('examples/wms/backend/server.js', markedBackend(server, marker, 20));
    const early: string[] = [];
    let marked = 0;
    const gatePassed = () => events.some((e) => e.step === 'start' && e.state === 'done');
    const load = steadyLoad([`${productionUrl()}/api/version`, `${productionUrl()}/`], 50, {
      onAnswer: (url, body) => {
        if (!body.includes(marker)) return;
        marked++;
        // the gate's event is emitted before the edge switches: a marked answer before it came from an unhealthy container
        if (!gatePassed()) early.push(url);
      },
    });
    const result = await deploy({ message: 'a backend healthy only after a while' });
    const seen = await load.stop();
    assert.equal(result.outcome, 'succeeded');
    assert.equal(seen.failures.length, 0, `${seen.failures.length} of ${seen.requests} requests failed: ${JSON.stringify(seen.failures.slice(0, 5))}`);
    assert.deepEqual(early, [], `${early.length} requests reached the new backend before its health check passed`);
    assert.ok(marked > 0, 'the new backend served once it was healthy');
    assert.match(await (await fetch(`${productionUrl()}/api/version`)).text(), new RegExp(marker));
    assert.ok(events.some((e) => e.step === 'switch' && /production-edge sends requests to .*production-backend on /.test(e.logLine ?? '')));
    assert.ok(events.some((e) => e.step === 'switch' && /production-edge routes .*production-backend by service name again/.test(e.logLine ?? '')));
    assert.equal(await liveFile(rig.docker), 'production-frontend production-backend', 'the edge routes by service names once the deploy is over');
  });

  it('never sends a request to a new backend that never passes its health check: it is removed, production goes on, not one request fails', async () => {
    const { rig, project, deploy, productionUrl, productionSnapshot } = await fresh();
    const marker = `NEVER-HEALTHY-${RUN}`;
    const before = await productionSnapshot();
    project.write('examples/wms/backend/server.js', markedBackend(project.read('examples/wms/backend/server.js'), marker));
    let marked = 0;
    const load = steadyLoad([`${productionUrl()}/api/version`, `${productionUrl()}/`], 50, { onAnswer: (_url, body) => { if (body.includes(marker)) marked++; } });
    const error = await deploy({ message: 'a backend never healthy', healthTimeoutSeconds: 40 }).then(() => assert.fail('the deploy succeeded'), (e: unknown) => e);
    const seen = await load.stop();
    assert.ok(error instanceof NewVersionRejectedError, String(error));
    assert.equal(seen.failures.length, 0, `${seen.failures.length} of ${seen.requests} requests failed: ${JSON.stringify(seen.failures.slice(0, 5))}`);
    assert.equal(marked, 0, `${marked} requests reached the new backend that never passed its health check`);
    assert.deepEqual(await productionSnapshot(), before);
    assert.equal((await projectContainers(rig.docker, ['production-backend'])).length, 1);
    assert.equal(await liveFile(rig.docker), 'production-frontend production-backend', 'the edge routes by service names again');
  });

  it('stops before anything new starts when the edge cannot hold requests on the running version, saying so in one sentence', async () => {
    const { rig, project, deploy, productionSnapshot } = await fresh();
    const before = await productionSnapshot();
    const [edge] = await projectContainers(rig.docker, ['production-edge']);
    // a config `nginx -t` refuses; the running nginx never loads it
    await execIn(rig.docker, edge.Id, ['sed', '-i', '$a this-is-not-nginx;', '/etc/nginx/nginx.conf']);
    const since = Math.floor(Date.now() / 1000) - 1;
    try {
      project.write('examples/wms/backend/server.js', `${project.read('examples/wms/backend/server.js')}// never started ${RUN}\n`);
      const error = await deploy({ message: 'an edge that cannot be pinned' }).then(() => assert.fail('the deploy succeeded'), (e: unknown) => e);
      assert.ok(error instanceof NewVersionRejectedError, String(error));
      assert.match(error.message, /^The edge production-edge could not hold requests on the running production-frontend, production-backend \(`nginx -t -q` in the edge exited with code 1 \(unknown directive "this-is-not-nginx" in \/etc\/nginx\/nginx\.conf:\d+; nginx: configuration file \/etc\/nginx\/nginx\.conf test failed\)\), nor be set back to service names \(the same failure\); no new container was started: Production goes on running the previous version with its data, and no rollback is needed\.$/);
      assert.deepEqual(await productionSnapshot(), before);
      const created = await containersCreatedSince(rig.docker, since);
      assert.deepEqual(created, [], 'no container of production was created');
      // the file on disk routes by service names, so a later reload of a mended config does not pin anything
      assert.equal(await liveFile(rig.docker), 'production-frontend production-backend');
    } finally {
      // start.sh puts back the edge's config and routes by service names
      await rig.docker.getContainer(edge.Id).restart({ t: 5 });
      await waitHealthy(rig.docker, ['production-edge']);
    }
  });
});

/** Runs a command in a container (an argument array); its output, after checking it exited 0. */
async function execIn(docker: import('dockerode'), id: string, command: string[]): Promise<string> {
  const exec = await docker.getContainer(id).exec({ Cmd: command, AttachStdout: true, AttachStderr: true, Tty: true });
  const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  assert.equal((await exec.inspect()).ExitCode, 0, `${command.join(' ')} failed`);
  return Buffer.concat(chunks).toString('utf8');
}

/** The hosts the running edge's live file routes its services to, in order. */
async function liveFile(docker: import('dockerode')): Promise<string> {
  const [edge] = await projectContainers(docker, ['production-edge']);
  const text = await execIn(docker, edge.Id, ['cat', '/etc/nginx/dual-env-live.conf']);
  return [...text.matchAll(/^set \$\S+ (\S+);/gm)].map((m) => m[1]).join(' ');
}

/** The production app containers the rig's project created since `since` (seconds), by Docker's own events. */
async function containersCreatedSince(docker: import('dockerode'), since: number): Promise<string[]> {
  const stream = await docker.getEvents({ since, until: Math.floor(Date.now() / 1000) + 1, filters: { type: ['container'], event: ['create'], label: [`com.docker.compose.project=${projectName}`] } });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { Actor: { Attributes: Record<string, string> } }).Actor.Attributes['com.docker.compose.service'])
    .filter((service) => service === 'production-frontend' || service === 'production-backend');
}
