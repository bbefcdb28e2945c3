// One standalone server of each kind the database suite runs against, beside
// the reference stack: every backup, restore and fidelity test runs on MySQL
// and on MariaDB, whichever server the stack itself uses.
import mysql from 'mysql2/promise';
import type Docker from 'dockerode';
import type { DatabaseCredentials } from '../../src/core/config/credentials';
import { DATABASE_SERVERS, RIG_LABEL, checkoutProject, type DatabaseServerKind } from './paths';
import { RigError } from './state';

const BASE_PORTS: Record<DatabaseServerKind, number> = { mysql: 3390, mariadb: 3391 };
const portVariable = (kind: DatabaseServerKind) => `RIG_${kind.toUpperCase()}_PORT`;
const passwordVariable = (kind: DatabaseServerKind) => `RIG_${kind.toUpperCase()}_ROOT_PASSWORD`;
/** Label that ties a standalone server to the checkout whose rig made it (rig:down removes only those). */
const CHECKOUT_LABEL = 'dual-env.rig.checkout';

/** The .env entries of the standalone servers' ports. */
export function standalonePorts(offset: number): Record<string, string> {
  return Object.fromEntries(Object.entries(BASE_PORTS).map(([kind, port]) => [portVariable(kind as DatabaseServerKind), String(port + offset)]));
}

export interface DatabaseServer {
  kind: DatabaseServerKind;
  /** `MySQL 9` or `MariaDB 10.11`, for test names. */
  label: string;
  /** What `SELECT VERSION()` says. */
  version: string;
  /** The container's name, for `docker exec` of the server's own client tools. */
  container: string;
  root: (database: string) => DatabaseCredentials;
}

export const containerNameOf = (kind: DatabaseServerKind) => `${checkoutProject}-db-${kind}`;

async function createServer(docker: Docker, kind: DatabaseServerKind, port: number, password: string): Promise<Docker.Container> {
  return docker.createContainer({
    name: containerNameOf(kind),
    Image: DATABASE_SERVERS[kind].image,
    Env: [`MYSQL_ROOT_PASSWORD=${password}`],
    Labels: { [RIG_LABEL]: '1', [CHECKOUT_LABEL]: checkoutProject },
    ExposedPorts: { '3306/tcp': {} },
    HostConfig: { PortBindings: { '3306/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] }, RestartPolicy: { Name: 'unless-stopped' } },
  });
}

/** Waits until root can run a query over TCP (the first run's init server listens on its socket only). */
async function waitForServer(docker: Docker, credentials: DatabaseCredentials, container: string): Promise<string> {
  let last = '';
  for (const end = Date.now() + 240_000; Date.now() < end; ) {
    try {
      const connection = await mysql.createConnection({ host: credentials.host, port: credentials.port, user: credentials.user, password: credentials.password });
      try {
        const [rows] = await connection.query('SELECT VERSION() AS version');
        return (rows as { version: string }[])[0].version;
      } finally {
        await connection.end();
      }
    } catch (error) {
      last = (error as Error).message;
      const state = (await docker.getContainer(container).inspect()).State;
      if (!state.Running && !state.Restarting) throw new RigError(`the database server ${container} stopped (exit code ${state.ExitCode}); see docker logs ${container}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new RigError(`the database server ${container} did not answer within 240 s: ${last}`);
}

/** The standalone server of `kind`, running and answering; created on first use. */
export async function ensureDatabaseServer(docker: Docker, kind: DatabaseServerKind, env: Record<string, string>): Promise<DatabaseServer> {
  const port = Number(env[portVariable(kind)]);
  const password = env[passwordVariable(kind)];
  const name = containerNameOf(kind);
  const container = docker.getContainer(name);
  const info = await container.inspect().catch(() => undefined);
  // a server made from an older rig image is made again: its data is only ever the tests' own
  if (info && info.Config.Image !== DATABASE_SERVERS[kind].image) await container.remove({ force: true, v: true });
  const state = info?.Config.Image === DATABASE_SERVERS[kind].image ? info.State : undefined;
  if (!state) await (await createServer(docker, kind, port, password)).start();
  else if (state.Paused) await container.unpause();
  else if (!state.Running) await container.start();
  const root = (database: string): DatabaseCredentials => ({ host: '127.0.0.1', port, user: 'root', password, database });
  const version = await waitForServer(docker, root(''), name);
  return { kind, label: DATABASE_SERVERS[kind].label, version, container: name, root };
}

/** Removes this checkout's standalone servers and their data. */
export async function removeDatabaseServers(docker: Docker, log: (line: string) => void): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${CHECKOUT_LABEL}=${checkoutProject}`] } });
  for (const c of containers) {
    await docker.getContainer(c.Id).remove({ force: true, v: true });
    log(`removed database server ${c.Names[0]?.replace(/^\//, '')}`);
  }
}
