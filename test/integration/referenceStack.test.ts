// The reference stack on the rig: each half comes up healthy on its own ports,
// answers through nginx with its X-Environment, and shares nothing with the other.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { PORTS, ensureHalf, projectContainers, projectName, removeHalf, servicesOf, startRig, type EnvironmentName, type Rig, stackLabel } from '../rig';

const port = (rig: Rig, variable: string) => Number(rig.env[variable]);

async function healthOf(rig: Rig, environment: EnvironmentName): Promise<Record<string, string>> {
  const containers = await projectContainers(rig.docker, servicesOf(environment));
  const out: Record<string, string> = {};
  for (const c of containers) {
    const state = (await rig.docker.getContainer(c.Id).inspect()).State;
    out[c.Labels['com.docker.compose.service']] = state.Health?.Status ?? state.Status;
  }
  return out;
}

async function resources(rig: Rig, environment: EnvironmentName) {
  const containers = await projectContainers(rig.docker, servicesOf(environment));
  const inspected = await Promise.all(containers.map((c) => rig.docker.getContainer(c.Id).inspect()));
  return {
    networks: new Set(inspected.flatMap((i) => Object.keys(i.NetworkSettings.Networks))),
    volumes: new Set(inspected.flatMap((i) => i.Mounts.filter((m) => m.Type === 'volume').map((m) => m.Name as string))),
    ports: new Set(containers.flatMap((c) => c.Ports.filter((p) => p.PublicPort).map((p) => p.PublicPort))),
  };
}

function database(rig: Rig, environment: EnvironmentName) {
  const prefix = environment.toUpperCase();
  return mysql.createConnection({
    host: '127.0.0.1',
    port: port(rig, `${prefix}_DB_PORT`),
    user: environment === 'staging' ? 'staging_user' : 'wms_user',
    password: rig.env[`${prefix}_DB_PASSWORD`],
    database: environment === 'staging' ? 'warehouse_wms_staging' : 'warehouse_wms',
  });
}

async function checkHalf(rig: Rig, environment: EnvironmentName, httpPortVariable: string) {
  assert.deepEqual(await healthOf(rig, environment), Object.fromEntries(servicesOf(environment).map((s) => [s, 'healthy'])));
  const response = await fetch(`http://127.0.0.1:${port(rig, httpPortVariable)}/api/health`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('x-environment'), environment);
  assert.deepEqual(await response.json(), { status: 'ok', environment, database: 'reachable' });
  const version = await (await fetch(`http://127.0.0.1:${port(rig, httpPortVariable)}/api/version`)).json() as { environment: string };
  assert.equal(version.environment, environment);
}

describe(`reference stack: staging half [${stackLabel()}]`, () => {
  let rig: Rig;
  before(async () => { rig = await startRig(); });
  after(async () => { await removeHalf(rig.docker, 'staging'); });

  it('comes up with three healthy containers and answers through nginx on 8080', async () => {
    await ensureHalf(rig.docker, 'staging', () => {});
    assert.equal(port(rig, 'STAGING_HTTP_PORT'), PORTS.staging.STAGING_HTTP_PORT + Number(process.env.RIG_PORT_OFFSET ?? 0));
    await checkHalf(rig, 'staging', 'STAGING_HTTP_PORT');
  });

  it('is torn down completely', async () => {
    await removeHalf(rig.docker, 'staging');
    assert.deepEqual(await projectContainers(rig.docker, servicesOf('staging')), []);
    const { Volumes } = await rig.docker.listVolumes();
    assert.ok(!(Volumes ?? []).some((v) => v.Name.endsWith('staging_mysql_data') && v.Labels?.['com.docker.compose.project'] === projectName));
  });
});

describe(`reference stack: production half, isolated from staging [${stackLabel()}]`, () => {
  let rig: Rig;
  before(async () => { rig = await startRig(); });
  after(async () => {
    await removeHalf(rig.docker, 'staging');
    await removeHalf(rig.docker, 'production');
  });

  it('comes up healthy and answers through nginx on port 80', async () => {
    await ensureHalf(rig.docker, 'production', () => {});
    await checkHalf(rig, 'production', 'PRODUCTION_HTTP_PORT');
  });

  it('shares no network, volume or port with staging', async () => {
    await ensureHalf(rig.docker, 'staging', () => {});
    const [staging, production] = await Promise.all([resources(rig, 'staging'), resources(rig, 'production')]);
    for (const kind of ['networks', 'volumes', 'ports'] as const) {
      assert.ok(staging[kind].size > 0 && production[kind].size > 0, `both halves have ${kind}`);
      assert.deepEqual([...staging[kind]].filter((x) => production[kind].has(x as never)), [], `shared ${kind}`);
    }
  });

  it('keeps a row written in staging out of production', async () => {
    const marker = `ISO-${Date.now()}`;
    const staging = await database(rig, 'staging');
    const production = await database(rig, 'production');
    try {
      await staging.execute('INSERT INTO warehouses (code, name, city) VALUES (?, ?, ?)', [marker.slice(0, 16), 'isolation probe', 'Testville']);
      const [inStaging] = await staging.query('SELECT COUNT(*) AS n FROM warehouses WHERE code = ?', [marker.slice(0, 16)]);
      const [inProduction] = await production.query('SELECT COUNT(*) AS n FROM warehouses WHERE code = ?', [marker.slice(0, 16)]);
      assert.equal((inStaging as Array<{ n: number }>)[0].n, 1);
      assert.equal((inProduction as Array<{ n: number }>)[0].n, 0);
      // and the staging user cannot reach production's database at all
      await assert.rejects(staging.query('SELECT 1 FROM warehouse_wms.warehouses LIMIT 1'));
    } finally {
      await staging.end();
      await production.end();
    }
  });
});

describe(`rig refusals [${stackLabel()}]`, () => {
  it('refuses in one sentence when a port the half publishes is taken, and deletes nothing', async () => {
    const rig = await startRig();
    await removeHalf(rig.docker, 'staging');
    const net = await import('node:net');
    const blocker = net.createServer();
    const takenPort = port(rig, 'STAGING_API_PORT');
    await new Promise<void>((resolve) => blocker.listen(takenPort, '127.0.0.1', resolve));
    try {
      await assert.rejects(ensureHalf(rig.docker, 'staging', () => {}), (error: Error) =>
        error.message === `Port ${takenPort} on 127.0.0.1 is already taken by another program; free it or set STAGING_API_PORT in .env.`);
      assert.deepEqual(await projectContainers(rig.docker, servicesOf('staging')), []);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
