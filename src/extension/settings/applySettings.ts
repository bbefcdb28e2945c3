// The dualEnv.* settings laid over the compose file's x-dual-env values. Pure: unit-tested under Node.
import type { DualEnvConfig } from '../../core/config/model';
import type { ComposePreference } from '../../core/compose/composeCommand';

export interface DualEnvSettings {
  composeFile: string;
  composeCommand: ComposePreference;
  /** Overrides every environment's health timeout when set. */
  healthTimeoutSeconds?: number;
  autoRollback: boolean;
  /** Overrides every environment's backup retention when set. */
  backupRetention?: number;
  /** Environment name → Docker host (`ssh://user@host`). */
  dockerHost: Readonly<Record<string, string>>;
}

export const DEFAULT_SETTINGS: DualEnvSettings = {
  composeFile: 'docker-compose-dual-env.yml',
  composeCommand: 'auto',
  autoRollback: true,
  dockerHost: {},
};

export function applySettings(config: DualEnvConfig, settings: DualEnvSettings): DualEnvConfig {
  return {
    ...config,
    environments: config.environments.map((environment) => ({
      ...environment,
      ...(settings.dockerHost[environment.name] ? { dockerHost: settings.dockerHost[environment.name] } : {}),
      healthTimeoutSeconds: settings.healthTimeoutSeconds ?? environment.healthTimeoutSeconds,
      backups: { ...environment.backups, retention: settings.backupRetention ?? environment.backups.retention },
    })),
  };
}
