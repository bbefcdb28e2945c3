import { secretKey, type SecretSource } from './credentials';
import type { DualEnvConfig } from './model';

const SECRET_NAME = /PASSWORD|SECRET|TOKEN|PRIVATE|KEY/i;

/** Every database password variable the x-dual-env block declares, of every environment. */
export function declaredPasswordVariables(config: DualEnvConfig): string[] {
  return [...new Set(config.environments.flatMap((e) => [e.database?.passwordVariable, e.database?.rootPasswordVariable].filter(Boolean) as string[]))];
}

/**
 * Every value that must never reach output, a log or an error: what the compose
 * file may interpolate that looks like a secret (declared password variables
 * included), and the passwords kept in a secret store (`storedPasswords`).
 */
export function secretsOf(config: DualEnvConfig): string[] {
  const declared = new Set(declaredPasswordVariables(config));
  // a short value of a variable merely named like a secret (TOKEN_TTL=3600) would blank common text
  const fromVariables = Object.entries(config.variables)
    .filter(([name, value]) => value && (declared.has(name) ? value.length >= 3 : SECRET_NAME.test(name) && value.length >= 6))
    .map(([, value]) => value);
  const stored = Object.values(config.storedPasswords ?? {}).filter((value) => value.length >= 3);
  // longest first, so no secret is cut by a shorter one inside it
  return [...new Set([...fromVariables, ...stored])].sort((x, y) => y.length - x.length);
}

/**
 * The config with the database passwords a secret source holds (the extension's
 * SecretStorage) in `storedPasswords`, so that Compose gets those the environment
 * and .env do not set, and secretsOf redacts them all: they reach containers'
 * output and errors as surely as passwords from .env.
 */
export async function withStoredPasswords(config: DualEnvConfig, secrets?: SecretSource): Promise<DualEnvConfig> {
  if (!secrets) return config;
  const stored: Record<string, string> = {};
  for (const variable of declaredPasswordVariables(config)) {
    const value = await secrets.get(secretKey(config, variable));
    if (value) stored[variable] = value;
  }
  return { ...config, storedPasswords: stored };
}

/**
 * The stored passwords Compose must be given in its environment: those whose
 * variable neither the process environment nor .env sets (an empty value counts
 * as unset, as for `${VAR:?}`). The others keep their precedence: a variable
 * set in the child's environment would override .env.
 */
export function composeOnlyPasswords(config: DualEnvConfig): Record<string, string> {
  return Object.fromEntries(Object.entries(config.storedPasswords ?? {}).filter(([variable]) => !config.variables[variable]));
}
