import { secretKey, type SecretSource } from './credentials';
import type { DualEnvConfig } from './model';

const SECRET_NAME = /PASSWORD|SECRET|TOKEN|PRIVATE|KEY/i;

function declaredPasswordVariables(config: DualEnvConfig): string[] {
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
  const stored = (config.storedPasswords ?? []).filter((value) => value.length >= 3);
  // longest first, so no secret is cut by a shorter one inside it
  return [...new Set([...fromVariables, ...stored])].sort((x, y) => y.length - x.length);
}

/**
 * The config with the database passwords a secret source holds (the extension's
 * SecretStorage) in `storedPasswords`, so that secretsOf redacts them too: they
 * reach containers' output and errors as surely as passwords from .env.
 */
export async function withStoredPasswords(config: DualEnvConfig, secrets?: SecretSource): Promise<DualEnvConfig> {
  if (!secrets) return config;
  const values = await Promise.all(declaredPasswordVariables(config).map((variable) => secrets.get(secretKey(config, variable))));
  return { ...config, storedPasswords: values.filter((value): value is string => Boolean(value)) };
}
