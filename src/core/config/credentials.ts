import { ConfigError } from '../common/errors';
import type { DatabaseConfig, DatabaseTls, DualEnvConfig } from './model';
import { sshTargetOf, type SshTarget } from '../docker/sshTarget';

/**
 * Where a password comes from when neither the environment nor .env has it:
 * the extension plugs in SecretStorage here, the CLI nothing.
 */
export interface SecretSource {
  get(key: string): Promise<string | undefined>;
}

export interface DatabaseCredentials {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** Absent: `auto`. */
  tls?: DatabaseTls;
  /**
   * The SSH route to the environment's server when its engine is on ssh://:
   * `host:port` are then as seen from that server (normally its loopback).
   */
  via?: SshTarget;
}

/** The key a password is stored under in a SecretSource. */
export function secretKey(config: DualEnvConfig, variable: string): string {
  return `dualEnv:${config.file}:${variable}`;
}

async function lookup(config: DualEnvConfig, variable: string, secrets?: SecretSource): Promise<string | undefined> {
  const fromVariables = config.variables[variable];
  if (fromVariables) return fromVariables;
  return secrets?.get(secretKey(config, variable));
}

/**
 * The application user's credentials for an environment's database, from the
 * variables the compose file uses (process environment, then .env), then the
 * secret source. The error names the variable, never a value.
 */
export async function databaseCredentials(
  config: DualEnvConfig,
  database: DatabaseConfig,
  options: { asRoot?: boolean; secrets?: SecretSource } = {},
): Promise<DatabaseCredentials> {
  const variable = options.asRoot ? database.rootPasswordVariable : database.passwordVariable;
  if (!variable) {
    throw new ConfigError(`The database of ${database.service} declares no rootPasswordVariable in x-dual-env; add it to allow restores.`);
  }
  const password = await lookup(config, variable, options.secrets);
  if (!password) {
    const environment = config.environments.find((e) => e.database?.service === database.service);
    // where to set it is the remedy's to say: the CLI names the environment and .env, VS Code offers its secret storage
    throw new ConfigError(`The database password is not set: ${variable}${environment ? ` (${environment.label}'s database)` : ''} is in neither the environment, nor .env beside ${config.file}${options.secrets ? ', nor the secret storage' : ''}.`, {
      remedies: environment ? [{ kind: 'setDatabasePassword', environment: environment.name, variable }] : [],
    });
  }
  const environment = config.environments.find((e) => e.database?.service === database.service);
  const via = environment ? sshTargetOf(environment) : undefined;
  return { host: database.host, port: database.port, database: database.name, user: options.asRoot ? 'root' : database.user, password, tls: database.tls, ...(via ? { via } : {}) };
}
