import { ConfigError } from '../common/errors';
import { isLoopbackHost, isRemoteEngine, machineOfEnvironment } from '../docker/dockerHost';
import type { DatabaseConfig, DualEnvConfig, Environment } from './model';

export interface IsolationFinding {
  severity: 'error' | 'warning';
  /** What both environments share, in one sentence. */
  message: string;
}

const hostKey = (host: string) => (isLoopbackHost(host) ? 'localhost' : host.toLowerCase());

/**
 * Whether two databases' host:port name one server. Each is read where its engine is
 * (over SSH, as the server sees it), so on two machines a loopback address is each
 * machine's own; any other name may still reach one shared server from both.
 */
function sameDatabaseServer(a: DatabaseConfig, b: DatabaseConfig, sameMachine: boolean): boolean {
  if (a.port !== b.port) return false;
  if (sameMachine) return hostKey(a.host) === hostKey(b.host);
  return !isLoopbackHost(a.host) && a.host.toLowerCase() === b.host.toLowerCase();
}

/**
 * Checks that staging and production share nothing that could let one change the
 * other. Errors: a shared service, database, published port, backups folder,
 * image name that either of them builds, a named volume a database keeps its
 * data in, or one Swarm stack. Warnings: a shared network, database server, other named volume or
 * bind mount (the seed shares ./backend/uploads).
 *
 * Environments on two machines (machineOf their Docker hosts: `env` supplies
 * DOCKER_HOST for those without dockerHost) share no port, volume, network, bind
 * mount, image or loopback database; on one machine, local or a server, they are
 * checked for all of them.
 */
export function checkIsolation(config: DualEnvConfig, env: NodeJS.ProcessEnv = process.env): IsolationFinding[] {
  const findings: IsolationFinding[] = [];
  const envs = config.environments;
  for (let i = 0; i < envs.length; i++) {
    for (let j = i + 1; j < envs.length; j++) findings.push(...comparePair(config, envs[i], envs[j], env));
  }
  return findings;
}

function comparePair(config: DualEnvConfig, a: Environment, b: Environment, env: NodeJS.ProcessEnv): IsolationFinding[] {
  const findings: IsolationFinding[] = [];
  const pair = `${a.label} and ${b.label}`;
  for (const shared of intersect(new Set(a.services), new Set(b.services))) {
    findings.push({ severity: 'error', message: `${pair} both list the service ${shared}; an operation on one would start, stop or recreate it for the other.` });
  }
  // an environment on another engine keeps its backups in a volume named after it there, never in its folder
  if (!isRemoteEngine(a, env) && !isRemoteEngine(b, env) && a.backups.folder === b.backups.folder) {
    findings.push({ severity: 'error', message: `${pair} keep their backups in the same folder ${a.backups.folder}; one's retention would delete the other's backups.` });
  }
  const sameMachine = machineOfEnvironment(a, env) === machineOfEnvironment(b, env);
  if (sameMachine && a.swarm && b.swarm && a.swarm.stack === b.swarm.stack) {
    findings.push({ severity: 'error', message: `${pair} both run as the Swarm stack ${a.swarm.stack} on one swarm; deploying one would replace or remove the other's services.` });
  }
  const [da, db] = [a.database, b.database];
  if (da && db && sameDatabaseServer(da, db, sameMachine)) {
    findings.push(da.name === db.name
      ? { severity: 'error', message: `${pair} use the same database ${da.name} on ${da.host}:${da.port}; a staging change would reach production data.` }
      : { severity: 'warning', message: `${pair} use the same database server ${da.host}:${da.port}; its root user can reach both databases.` });
  }
  // on two machines, ports, volumes, networks, binds and images are each machine's own
  if (!sameMachine) return findings;
  const dataVolumes = new Set([...databaseVolumes(config, a), ...databaseVolumes(config, b)]);
  for (const shared of intersect(resources(config, a, 'volumes'), resources(config, b, 'volumes')).filter((v) => dataVolumes.has(v))) {
    findings.push({ severity: 'error', message: `${pair} share the volume ${shared}, which holds database data; resetting one's data would delete the other's.` });
  }
  findings.push(...sharedBuiltImages(config, a, b));
  for (const shared of intersect(resources(config, a, 'ports'), resources(config, b, 'ports'))) {
    findings.push({ severity: 'error', message: `${pair} both publish host port ${shared}.` });
  }
  for (const shared of intersect(resources(config, a, 'networks'), resources(config, b, 'networks'))) {
    findings.push({ severity: 'warning', message: `${pair} share the network ${shared}.` });
  }
  for (const shared of intersect(resources(config, a, 'volumes'), resources(config, b, 'volumes')).filter((v) => !dataVolumes.has(v))) {
    findings.push({ severity: 'warning', message: `${pair} share the volume ${shared}.` });
  }
  for (const shared of intersect(resources(config, a, 'binds'), resources(config, b, 'binds'))) {
    findings.push({ severity: 'warning', message: `${pair} share the bind mount ${shared}.` });
  }
  return findings;
}

function resources(config: DualEnvConfig, env: Environment, kind: 'ports' | 'networks' | 'volumes' | 'binds'): Set<string> {
  const out = new Set<string>();
  for (const name of env.services) {
    const service = config.services.get(name);
    if (!service) continue;
    // an ephemeral host port (`127.0.0.1::5000`) is chosen by Docker and shared with nothing
    if (kind === 'ports') for (const p of service.ports) if (p.hostPort) out.add(`${p.hostPort}/${p.protocol}`);
    if (kind === 'networks') for (const n of service.networks) out.add(n);
    if (kind === 'volumes') for (const v of service.volumes) if (v.kind === 'volume') out.add(v.source);
    if (kind === 'binds') for (const v of service.volumes) if (v.kind === 'bind' && !v.readOnly) out.add(v.source);
  }
  return out;
}

/** `mysql`, `mysql:latest` and `docker.io/library/mysql:latest` are one image name to the engine. */
export function canonicalImageName(image: string): string {
  let name = image.trim().replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
  const lastPart = name.slice(name.lastIndexOf('/') + 1);
  if (!lastPart.includes(':') && !lastPart.includes('@')) name += ':latest';
  return name;
}

/**
 * One image name used by both environments on one engine, when either builds
 * it: a build for one moves the tag the other's containers are recreated from.
 * A name both only pull (`mysql:8.0`) is shared harmlessly.
 */
function sharedBuiltImages(config: DualEnvConfig, a: Environment, b: Environment): IsolationFinding[] {
  const imagesOf = (env: Environment) => {
    const images = new Map<string, { service: string; builds: boolean }[]>();
    for (const name of env.services) {
      const service = config.services.get(name);
      if (!service?.image) continue;
      const key = canonicalImageName(service.image);
      images.set(key, [...(images.get(key) ?? []), { service: name, builds: service.buildContext !== undefined }]);
    }
    return images;
  };
  const [ofA, ofB] = [imagesOf(a), imagesOf(b)];
  const findings: IsolationFinding[] = [];
  for (const image of intersect(new Set(ofA.keys()), new Set(ofB.keys()))) {
    const users = [...ofA.get(image)!.map((u) => ({ ...u, env: a })), ...ofB.get(image)!.map((u) => ({ ...u, env: b }))];
    const builder = users.find((u) => u.builds);
    if (!builder) continue;
    const other = users.find((u) => u.env !== builder.env)!;
    findings.push({
      severity: 'error',
      message: `${builder.env.label}'s ${builder.service} builds the image ${image} that ${other.env.label}'s ${other.service} also uses, so a ${builder.env.label} build would replace what ${other.env.label} starts on its next recreate; give each environment its own image name.`,
    });
  }
  return findings;
}

function databaseVolumes(config: DualEnvConfig, env: Environment): string[] {
  const service = env.database ? config.services.get(env.database.service) : undefined;
  return (service?.volumes ?? []).filter((v) => v.kind === 'volume').map((v) => v.source);
}

/**
 * Refuses to operate on a file whose environments could reach each other: the
 * check is shown by status, and enforced here before anything changes.
 */
export function assertIsolated(config: DualEnvConfig, env: NodeJS.ProcessEnv = process.env): void {
  const errors = checkIsolation(config, env).filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    throw new ConfigError(`${config.file} does not keep its environments apart, so Dual Env will not change either: ${errors.map((f) => f.message).join(' ')} Fix the file; dual-env environments lists what it found.`);
  }
}

function intersect(a: Set<string>, b: Set<string>): string[] {
  return [...a].filter((x) => b.has(x)).sort();
}
