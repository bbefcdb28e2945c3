// Production deploys under load through production's URL (issue #15): the new version
// starts beside the old one and takes over once healthy, so not one request fails; a
// new version that fails its gate is removed and production never changed; a service
// that cannot run twice is recreated, and the confirmation says so.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeployPlan } from '../../../src/core/operations/deployPreflight';
import { describePlan } from '../../../src/core/operations/deployPreflight';
import { deployProduction } from '../../../src/core/operations/deployProduction';
import { readHistory } from '../../../src/core/operations/history';
import { NewVersionRejectedError } from '../../../src/core/operations/replaceWithoutDowntime';
import { projectContainers, projectName, stackLabel } from '../../rig';
import { steadyLoad } from '../../support/steadyLoad';
import { RUN, crashInProduction, deploySuite, never } from './deployFixture';

describe(`production deploys without downtime [${stackLabel()}]`, () => {
  const { fresh } = deploySuite();
  const underLoad = (base: string) => steadyLoad([`${base}/`, `${base}/api/version`], 50);
  const failed = (seen: { requests: number; failures: unknown[] }) => `${seen.failures.length} of ${seen.requests} requests failed: ${JSON.stringify(seen.failures.slice(0, 5))}`;

  it('replaces the backend and the frontend while requests keep coming, and not one fails; the new version serves afterwards', async () => {
    const { rig, project, deploy, version, productionUrl } = await fresh();
    const before = await projectContainers(rig.docker, ['production-frontend', 'production-backend']);
    project.write('examples/wms/frontend/html/index.html', `<p>no downtime ${RUN}</p>\n`);
    project.write('examples/wms/backend/server.js', `${project.read('examples/wms/backend/server.js')}// no downtime ${RUN}\n`);
    const load = underLoad(productionUrl());
    const result = await deploy({ message: 'replaced under load' });
    const seen = await load.stop();
    assert.equal(result.outcome, 'succeeded');
    assert.ok(seen.requests > 0);
    assert.equal(seen.failures.length, 0, failed(seen));
    assert.equal(await (await fetch(productionUrl())).text(), `<p>no downtime ${RUN}</p>\n`);
    assert.equal((await version('PRODUCTION_HTTP_PORT')).commit, result.commit);
    // one container per service, on the new image; the old ones are gone
    const after = await projectContainers(rig.docker, ['production-frontend', 'production-backend']);
    assert.deepEqual(after.map((c) => c.Labels['com.docker.compose.service']).sort(), ['production-backend', 'production-frontend']);
    for (const container of after) {
      assert.equal(container.State, 'running');
      assert.equal(container.ImageID, result.images?.[container.Labels['com.docker.compose.service']]);
      assert.ok(!before.some((old) => old.Id === container.Id), `${container.Names[0]} is an old container`);
    }
  });

  it('removes a new backend that fails its health check while the old one goes on serving: no request fails, production keeps its containers, images and data', async () => {
    const { rig, project, config, deploy, productionSnapshot, addWarehouse, productionUrl } = await fresh();
    await addWarehouse(`KEEP-${RUN}`);
    const before = await productionSnapshot();
    project.write('examples/wms/backend/server.js', crashInProduction(project.read('examples/wms/backend/server.js')));
    const load = underLoad(productionUrl());
    const error = await deploy({ message: 'crash in production', autoRollback: true }).then(() => assert.fail('the deploy succeeded'), (e: unknown) => e);
    const seen = await load.stop();
    assert.ok(error instanceof NewVersionRejectedError, String(error));
    assert.match(error.message, /production-backend did not become healthy: .*missing production setting.*the new containers were removed, and the running version was never stopped: Production goes on running the previous version with its data, and no rollback is needed\.$/);
    assert.equal(seen.failures.length, 0, failed(seen));
    assert.deepEqual(await productionSnapshot(), before, 'the same containers on the same images, the image names and the data as before');
    const record = readHistory(config.projectDir, 'production').at(-1)!;
    assert.equal(record.outcome, 'failed');
    assert.equal(record.step, 'start');
    assert.ok(record.backupId, 'the backup was taken first all the same');
    assert.equal((await rig.docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${projectName}`, 'com.docker.compose.service=production-backend'] } })).length, 1);
  });

  it('removes a new backend that cannot start at all (an unknown USER), and production keeps what it ran', async () => {
    const { deployUnstartable, productionSnapshot, productionUrl } = await fresh();
    const before = await productionSnapshot();
    const load = underLoad(productionUrl());
    const error = await deployUnstartable(false).then(() => assert.fail('the deploy succeeded'), (e: unknown) => e);
    const seen = await load.stop();
    assert.ok(error instanceof NewVersionRejectedError, String(error));
    assert.match(error.message, /no-such-user.*the new containers were removed/);
    assert.equal(seen.failures.length, 0, failed(seen));
    assert.deepEqual(await productionSnapshot(), before);
  });

  it('recreates a service that must not run twice, saying so and the downtime to expect in the confirmation', async () => {
    const { rig, project, deps, events } = await fresh();
    const compose = project.read('docker-compose-dual-env.yml');
    project.write('docker-compose-dual-env.yml', compose.replace('      requireStagingFirst: true\n', '      requireStagingFirst: true\n      singletons: [production-backend]\n'));
    project.git('commit', '--quiet', '--all', '-m', 'the backend is a singleton');
    const config = project.config();
    const [oldBackend] = await projectContainers(rig.docker, ['production-backend']);
    const [oldFrontend] = await projectContainers(rig.docker, ['production-frontend']);
    let plan: DeployPlan | undefined;
    const result = await deployProduction({ ...deps, config }, { confirm: async (p) => { plan = p; return true; }, stagingFirst: 'ask', healthTimeoutSeconds: 120 }, never(), (e) => events.push(e));
    assert.equal(result.outcome, 'succeeded');
    const text = describePlan(plan!);
    assert.match(text, /\nWithout downtime: production-frontend start beside the running version; production-frontend gets requests only once healthy \(production-edge holds them on the old container until then\)\. /);
    assert.match(text, /\nRecreated, with downtime: production-backend \(x-dual-env lists it among the singletons, which must never run twice\) is stopped before its new container starts: expect it to be away for its start and health check, a few seconds and at most 120 s\./);
    const [newBackend] = await projectContainers(rig.docker, ['production-backend']);
    const [newFrontend] = await projectContainers(rig.docker, ['production-frontend']);
    assert.notEqual(newBackend.Id, oldBackend.Id);
    assert.notEqual(newFrontend.Id, oldFrontend.Id);
    assert.ok(events.some((e) => e.step === 'recreate' && e.state === 'done' && /production-backend/.test(e.message ?? '')));
    assert.ok(events.some((e) => e.step === 'switch' && e.state === 'done' && /production-frontend replaced without downtime/.test(e.message ?? '')));
  });
});
