import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, isScalar, parseDocument, type Document } from 'yaml';
import { ConfigError } from '../common/errors';
import { assertSmokeTarget, readChecklist } from './checklistConfig';
import { interpolate, loadVariables } from './interpolate';
import type { ComposeService, DatabaseConfig, DualEnvConfig, Environment, PublishedPort, VolumeMount } from './model';
import { parsePort, parseVolume } from './serviceParts';
import { readEdge } from './edgeConfig';
import { readSwarm } from './swarmConfig';

export const DEFAULT_COMPOSE_FILE = 'docker-compose-dual-env.yml';
const DEFAULT_HEALTH_TIMEOUT_SECONDS = 180;
/** How long a replaced container may finish its requests in flight before it is killed (Docker's own default, 10 s, cuts slow uploads short). */
const DEFAULT_DRAIN_SECONDS = 30;
const KNOWN_PREFIXES = ['staging', 'production'];

export interface LoadOptions {
  /** Process environment to interpolate with (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

type Path = readonly (string | number)[];

/** Reads the compose file and its x-dual-env block into environments, or says exactly what is wrong. */
export function loadConfig(file: string, options: LoadOptions = {}): DualEnvConfig {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new ConfigError(`Compose file ${absolute} not found; open the folder that holds it or pass --file.`, { cause: error });
  }
  return parseConfig(text, absolute, options);
}

export function parseConfig(text: string, absolute: string, options: LoadOptions = {}): DualEnvConfig {
  const projectDir = path.dirname(absolute);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    throw new ConfigError(`${absolute}:${lineOf(first.pos[0])}: not valid YAML (${first.message.split('\n')[0]}); fix the file and try again.`);
  }
  const fail = (at: Path, what: string): never => {
    const node = doc.getIn(at, true) as { range?: [number, number, number] } | undefined;
    const parent = at.length > 0 ? (doc.getIn(at.slice(0, -1), true) as { range?: [number, number, number] } | undefined) : undefined;
    throw new ConfigError(`${absolute}:${lineOf(node?.range?.[0] ?? parent?.range?.[0])}: ${what}`);
  };

  const variables = loadVariables(path.join(projectDir, '.env'), options.env ?? process.env);
  const sub = (value: unknown) => (typeof value === 'string' ? interpolate(value, variables) : value);
  const root = doc.toJS({ maxAliasCount: 1000 }) as Record<string, unknown> | null;
  if (!root || typeof root !== 'object' || Array.isArray(root)) fail([], 'the file is not a Compose file (expected a mapping with `services`).');
  const servicesNode = (root as Record<string, unknown>).services;
  if (!servicesNode || typeof servicesNode !== 'object' || Array.isArray(servicesNode)) {
    fail(['services'], 'has no `services` mapping; this is not a Compose file.');
  }

  const services = new Map<string, ComposeService>();
  for (const [name, raw] of Object.entries(servicesNode as Record<string, Record<string, unknown> | null>)) {
    services.set(name, readService(name, raw ?? {}, doc, lineOf, sub, projectDir, fail));
  }

  const block = (root as Record<string, unknown>)['x-dual-env'] as Record<string, unknown> | undefined;
  const environments = block
    ? readDeclaredEnvironments(block, services, sub, projectDir, fail)
    : inferEnvironments(services, projectDir);
  if (environments.length === 0) {
    fail([], 'declares no environments: add an x-dual-env block, or name services with staging- / production- prefixes.');
  }

  const declaredProject = typeof block?.project === 'string' ? String(sub(block.project)) : undefined;
  const projectName = normaliseProjectName(variables.COMPOSE_PROJECT_NAME || declaredProject || path.basename(projectDir));
  return { file: absolute, projectDir, projectName, environments, services, declared: Boolean(block), variables };
}

/** Compose's own normalisation of project names (lower case, [a-z0-9_-]). */
export function normaliseProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

function readService(
  name: string,
  raw: Record<string, unknown>,
  doc: Document,
  lineOf: (offset: number | undefined) => number,
  sub: (value: unknown) => unknown,
  projectDir: string,
  fail: (at: Path, what: string) => never,
): ComposeService {
  const keyNode = (doc.getIn(['services'], true) as { items?: Array<{ key: unknown }> } | undefined)?.items
    ?.find((item) => isScalar(item.key) && item.key.value === name)?.key as { range?: [number, number, number] } | undefined;
  const ports: PublishedPort[] = [];
  (Array.isArray(raw.ports) ? raw.ports : []).forEach((entry, index) => {
    const port = parsePort(sub(entry) as unknown, (what) => fail(['services', name, 'ports', index], what));
    if (port) ports.push(port);
  });
  const volumes: VolumeMount[] = (Array.isArray(raw.volumes) ? raw.volumes : [])
    .map((entry) => parseVolume(sub(entry), projectDir))
    .filter((v): v is VolumeMount => v !== undefined);
  const networksRaw = raw.networks;
  const networks = Array.isArray(networksRaw) ? networksRaw.map(String) : isMapLike(networksRaw) ? Object.keys(networksRaw) : ['default'];
  const build = raw.build;
  const buildContext = typeof build === 'string' ? build : isMapLike(build) && typeof build.context === 'string' ? build.context : undefined;
  return {
    name,
    image: typeof raw.image === 'string' ? String(sub(raw.image)) : undefined,
    buildContext: buildContext ? path.resolve(projectDir, String(sub(buildContext))) : undefined,
    ports,
    networks,
    volumes,
    containerName: typeof raw.container_name === 'string' ? String(sub(raw.container_name)) || undefined : undefined,
    line: lineOf(keyNode?.range?.[0]),
  };
}

function isMapLike(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readDeclaredEnvironments(
  block: Record<string, unknown>,
  services: ReadonlyMap<string, ComposeService>,
  sub: (value: unknown) => unknown,
  projectDir: string,
  fail: (at: Path, what: string) => never,
): Environment[] {
  const envs = block.environments;
  if (!isMapLike(envs)) fail(['x-dual-env'], '`x-dual-env` needs an `environments` mapping (staging, production).');
  const environments = Object.entries(envs as Record<string, unknown>).map(([name, raw]) => {
    const at = ['x-dual-env', 'environments', name];
    if (!isMapLike(raw)) fail(at, `environment \`${name}\` must be a mapping.`);
    const env = raw as Record<string, unknown>;
    if (!Array.isArray(env.services) || env.services.length === 0) fail(at, `environment \`${name}\` needs a non-empty \`services\` list.`);
    const list = (env.services as unknown[]).map(String);
    list.forEach((service, index) => {
      if (!services.has(service)) fail([...at, 'services', index], `environment \`${name}\` names service \`${service}\`, which the compose file does not define.`);
    });
    // a guard that reads a typo as "off" is no guard: `production: yes` is a string in YAML 1.2
    for (const key of ['production', 'requireStagingFirst'] as const) {
      if (env[key] !== undefined && env[key] !== null && typeof env[key] !== 'boolean') fail([...at, key], `\`${key}\` must be true or false, not ${JSON.stringify(env[key])}.`);
    }
    for (const key of ['branch', 'label', 'url', 'dockerHost'] as const) {
      if (env[key] !== undefined && env[key] !== null && typeof env[key] !== 'string') fail([...at, key], `\`${key}\` must be a string, not ${JSON.stringify(env[key])}.`);
    }
    // left blank (null), `production` keeps the name's meaning: a blank must never turn production into staging
    const isProduction = env.production === undefined || env.production === null ? name === 'production' : env.production === true;
    const backupsRaw = isMapLike(env.backups) ? env.backups : {};
    const retention = Number(sub(backupsRaw.retention ?? 10));
    if (!Number.isInteger(retention) || retention < 1) fail([...at, 'backups', 'retention'], 'backup `retention` must be a whole number of at least 1.');
    const timeout = Number(sub(env.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS));
    if (!Number.isFinite(timeout) || timeout <= 0) fail([...at, 'healthTimeoutSeconds'], '`healthTimeoutSeconds` must be a positive number.');
    const drain = Number(sub(env.drainSeconds ?? DEFAULT_DRAIN_SECONDS));
    if (!Number.isFinite(drain) || drain < 0) fail([...at, 'drainSeconds'], '`drainSeconds` must be a number of seconds, 0 or more.');
    if (env.singletons !== undefined && !Array.isArray(env.singletons)) fail([...at, 'singletons'], '`singletons` must be a list of service names.');
    const singletons = ((env.singletons ?? []) as unknown[]).map(String);
    // the edge is switched by Compose container names; a Swarm stack's requests go through Swarm's routing mesh
    if (env.edge !== undefined && env.swarm !== undefined) fail([...at, 'edge'], "`edge` is for an environment run with Compose; a Swarm stack's requests go through Swarm's routing mesh.");
    singletons.forEach((service, index) => {
      if (!list.includes(service)) fail([...at, 'singletons', index], `\`singletons\` names \`${service}\`, which is not one of environment \`${name}\`'s services.`);
    });
    return {
      name,
      label: typeof env.label === 'string' ? env.label : titleCase(name),
      isProduction,
      services: list,
      url: typeof env.url === 'string' ? String(sub(env.url)) : undefined,
      database: env.database === undefined ? undefined : readDatabase(env.database, [...at, 'database'], services, list, sub, projectDir, fail),
      branchPattern: typeof env.branch === 'string' ? env.branch : '*',
      requireStagingFirst: env.requireStagingFirst === true,
      backups: {
        folder: path.resolve(projectDir, String(sub(backupsRaw.folder ?? `backups/${name}`))),
        retention,
      },
      dockerHost: typeof env.dockerHost === 'string' ? String(sub(env.dockerHost)) || undefined : undefined,
      healthTimeoutSeconds: timeout,
      singletons,
      drainSeconds: drain,
      checklist: env.checklist === undefined ? undefined : readChecklist(env.checklist, [...at, 'checklist'], sub, fail),
      swarm: env.swarm === undefined ? undefined : readSwarm(env.swarm, [...at, 'swarm'], sub, fail),
      edge: env.edge === undefined ? undefined : readEdge(env.edge, [...at, 'edge'], name, list, fail),
    };
  });
  const production = environments.filter((e) => e.isProduction);
  if (production.length > 1) fail(['x-dual-env', 'environments'], `marks ${production.map((e) => e.name).join(' and ')} as production; only one environment can be.`);
  assertSmokeTarget(environments, fail);
  return environments;
}

function readDatabase(
  raw: unknown,
  at: Path,
  services: ReadonlyMap<string, ComposeService>,
  environmentServices: readonly string[],
  sub: (value: unknown) => unknown,
  projectDir: string,
  fail: (at: Path, what: string) => never,
): DatabaseConfig {
  if (!isMapLike(raw)) fail(at, '`database` must be a mapping (service, host, port, name, user, passwordVariable).');
  const db = raw as Record<string, unknown>;
  for (const key of ['service', 'name', 'user', 'passwordVariable']) {
    if (typeof db[key] !== 'string' || !db[key]) fail([...at, key], `\`database.${key}\` is required.`);
  }
  const service = String(db.service);
  // the database's container and volume are what a fresh-data reset removes: they must be this environment's own
  if (!environmentServices.includes(service)) fail([...at, 'service'], `\`database.service\` names \`${service}\`, which is not one of this environment's services (${environmentServices.join(', ')}).`);
  const port = Number(sub(db.port ?? services.get(service)?.ports.find((p) => p.containerPort === 3306)?.hostPort ?? 3306));
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail([...at, 'port'], '`database.port` must be a TCP port number.');
  const [name, user] = [String(sub(db.name)), String(sub(db.user))];
  const tls = db.tls ?? 'auto';
  if (tls !== 'auto' && tls !== 'required') fail([...at, 'tls'], '`database.tls` must be `auto` (TLS when the server requires it) or `required`.');
  if (db.tlsCaFile !== undefined && (typeof db.tlsCaFile !== 'string' || !db.tlsCaFile)) fail([...at, 'tlsCaFile'], '`database.tlsCaFile` must be the path of a PEM file.');
  return {
    service,
    host: String(sub(db.host ?? '127.0.0.1')),
    port,
    name,
    user,
    passwordVariable: String(db.passwordVariable),
    rootPasswordVariable: typeof db.rootPasswordVariable === 'string' ? db.rootPasswordVariable : undefined,
    tls: { mode: tls, caFile: typeof db.tlsCaFile === 'string' ? path.resolve(projectDir, String(sub(db.tlsCaFile))) : undefined },
  };
}

/** No x-dual-env block: staging-* and production-* services make the two environments. */
function inferEnvironments(services: ReadonlyMap<string, ComposeService>, projectDir: string): Environment[] {
  return KNOWN_PREFIXES.flatMap((prefix) => {
    const list = [...services.keys()].filter((s) => s.startsWith(`${prefix}-`));
    if (list.length === 0) return [];
    const isProduction = prefix === 'production';
    return [{
      name: prefix,
      label: titleCase(prefix),
      isProduction,
      services: list,
      url: undefined,
      database: undefined,
      branchPattern: '*',
      requireStagingFirst: false,
      backups: { folder: path.join(projectDir, 'backups', prefix), retention: 10 },
      dockerHost: undefined,
      healthTimeoutSeconds: DEFAULT_HEALTH_TIMEOUT_SECONDS,
    }];
  });
}

function titleCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

