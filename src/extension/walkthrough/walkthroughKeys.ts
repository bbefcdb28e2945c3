// The context keys the getting-started walkthrough's steps complete on (package.json's
// `completionEvents`), from what the extension knows. Pure: unit-tested under Node.
import type { Environment } from '../../core/config/model';
import type { EnvironmentStatus } from '../model';

export const WALKTHROUGH_KEYS = {
  /** Every database password the compose file declares is set: environment, .env or SecretStorage. */
  passwordsSet: 'dualEnv.databasePasswordsSet',
  /** Every environment runs (healthy, or still starting up). */
  bothStarted: 'dualEnv.bothStarted',
  /** Every environment is healthy. */
  bothHealthy: 'dualEnv.bothHealthy',
  /** The deploy history holds a successful deploy to a non-production environment. */
  stagingDeployed: 'dualEnv.stagingDeployed',
} as const;

export type WalkthroughKey = (typeof WALKTHROUGH_KEYS)[keyof typeof WALKTHROUGH_KEYS];

export interface WalkthroughFacts {
  environments: readonly Environment[];
  statusOf(environment: string): EnvironmentStatus | undefined;
  /** Whether the deploy history holds a successful deploy to this environment. */
  deployed(environment: string): boolean;
  passwordsSet: boolean;
}

/** Each key's value; with no environments (no compose file yet) every one is false. */
export function walkthroughKeys(facts: WalkthroughFacts): Record<WalkthroughKey, boolean> {
  const { environments } = facts;
  const every = (test: (environment: Environment) => boolean) => environments.length > 0 && environments.every(test);
  const health = (environment: Environment) => facts.statusOf(environment.name)?.health;
  return {
    [WALKTHROUGH_KEYS.passwordsSet]: environments.length > 0 && facts.passwordsSet,
    [WALKTHROUGH_KEYS.bothStarted]: every((e) => health(e) === 'healthy' || health(e) === 'degraded'),
    [WALKTHROUGH_KEYS.bothHealthy]: every((e) => health(e) === 'healthy'),
    [WALKTHROUGH_KEYS.stagingDeployed]: environments.some((e) => !e.isProduction && facts.deployed(e.name)),
  };
}

/** The password variables the compose file's environments declare, each once. */
export function declaredPasswordVariables(environments: readonly Environment[]): string[] {
  return [...new Set(environments.flatMap((e) => [e.database?.passwordVariable, e.database?.rootPasswordVariable]).filter((v): v is string => Boolean(v)))];
}
