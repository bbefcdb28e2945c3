/** What Dual Env knows about one environment (staging or production) of a compose file. */
export interface Environment {
  /** The key in x-dual-env (`staging`, `production`). */
  name: string;
  /** For people: `Staging`, `Production`. */
  label: string;
  /** Production gets confirmations, backups and the branch policy. */
  isProduction: boolean;
  /** Compose services that make up the environment. */
  services: string[];
  url?: string;
  database?: DatabaseConfig;
  /** Glob of branches allowed to deploy here (`*` for any). */
  branchPattern: string;
  /** Production deploys only a commit that staging runs healthy. */
  requireStagingFirst: boolean;
  backups: BackupPolicy;
  /** `unix://`, `tcp://` or `ssh://`; absent means DOCKER_HOST or the local socket. */
  dockerHost?: string;
  healthTimeoutSeconds: number;
  /** Production only: the checks run against staging before a deploy; absent means the defaults (see checklistOf). */
  checklist?: ChecklistConfig;
  /** Services that must never run twice (a queue worker, a scheduler): a deploy recreates them instead of starting the new one beside the old. */
  singletons?: string[];
  /** How long a deploy lets a replaced container finish its requests in flight before it is killed (default 30). */
  drainSeconds?: number;
  /** Present when the environment runs as a Docker Swarm stack; dockerHost then names a manager. */
  swarm?: SwarmConfig;
}

/** An environment on Docker Swarm (`swarm:` in x-dual-env). */
export interface SwarmConfig {
  /** The stack name: `docker stack deploy … <stack>`; services are `<stack>_<service>`. */
  stack: string;
  /**
   * `host:port` of the registry the cluster's nodes pull from (never a public one): a
   * deploy pushes its images there from the manager. Absent: the stack can be shown, not deployed.
   */
  registry?: string;
}

/** What a failed check does to a production deploy: shown in the confirmation, or the deploy stops. */
export type CheckFailure = 'warn' | 'refuse';

/** The pre-production checklist of x-dual-env (`checklist:` of the production environment). */
export interface ChecklistConfig {
  /** Error lines in staging's containers' logs since its last successful deploy. */
  stagingLogs: {
    onFailure: CheckFailure | 'off';
    /** JavaScript regular expressions (source text); a line matching any counts as an error. */
    patterns: string[];
    /** Most lines read per container, the newest: a chatty container must not make the check slow. */
    maxLines: number;
  };
  /** Requests to staging's url, in order. */
  smoke: SmokeCheck[];
  /** Per request, redirects included. */
  smokeTimeoutSeconds: number;
}

export interface SmokeCheck {
  /** Absolute path on staging's url, e.g. `/api/health`. */
  path: string;
  /** The status expected; absent means any 2xx. */
  status?: number;
  onFailure: CheckFailure;
}

export interface DatabaseConfig {
  /** The compose service running the database. */
  service: string;
  host: string;
  port: number;
  name: string;
  user: string;
  /** Name of the variable (environment or .env) holding the password, never the password. */
  passwordVariable: string;
  /** Name of the variable holding the root password, when restores need it. */
  rootPasswordVariable?: string;
  /** TLS to the server: `auto` (plain, TLS when the server requires it), `required`; and a CA file to verify it with. */
  tls?: DatabaseTls;
}

export interface DatabaseTls {
  mode: 'auto' | 'required';
  /** Absolute path of a PEM file; given, the server's certificate must chain to it (else TLS only encrypts, as `--ssl-mode=REQUIRED`). */
  caFile?: string;
}

export interface BackupPolicy {
  /** Absolute folder holding `<YYYYMMDD-HHMMSS>/` backups. */
  folder: string;
  /** How many backups to keep; the newest verified one is never deleted. */
  retention: number;
}

export interface PublishedPort {
  hostIp?: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
}

export interface VolumeMount {
  kind: 'volume' | 'bind';
  /** Named volume, or absolute host path of a bind mount. */
  source: string;
  target: string;
  /** A read-only mount cannot carry changes from one environment to the other. */
  readOnly: boolean;
}

export interface ComposeService {
  name: string;
  image?: string;
  buildContext?: string;
  ports: PublishedPort[];
  networks: string[];
  volumes: VolumeMount[];
  /** A fixed `container_name`: only one container can have it. */
  containerName?: string;
  /** 1-based line of the service's key in the compose file. */
  line: number;
}

export interface DualEnvConfig {
  /** Absolute path of the compose file. */
  file: string;
  projectDir: string;
  /** Compose project name: COMPOSE_PROJECT_NAME, else x-dual-env.project, else the folder's name. */
  projectName: string;
  environments: Environment[];
  services: ReadonlyMap<string, ComposeService>;
  /** Environments came from x-dual-env (false: inferred from service-name prefixes). */
  declared: boolean;
  /** Variables Compose would interpolate with: .env overridden by the process environment. */
  variables: Readonly<Record<string, string>>;
  /**
   * Database passwords from a secret store (the extension's SecretStorage), variable → password.
   * Redacted everywhere; those whose variable neither the environment nor .env sets reach
   * Compose through its environment (see `composeOnlyPasswords`).
   */
  storedPasswords?: Readonly<Record<string, string>>;
}

export function findEnvironment(config: DualEnvConfig, name: string): Environment | undefined {
  return config.environments.find((e) => e.name === name);
}
