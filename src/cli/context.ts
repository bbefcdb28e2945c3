import path from 'node:path';
import type { Command } from 'commander';
import type { DualEnvConfig, Environment } from '../core/config';
import { findEnvironment, loadConfig, UsageError } from '../core/engine';

export interface GlobalOptions {
  file: string;
  debug?: boolean;
}

/** The compose file named by --file (default: docker-compose-dual-env.yml in the current folder). */
export function configOf(command: Command): DualEnvConfig {
  const { file } = command.optsWithGlobals<GlobalOptions>();
  return loadConfig(path.resolve(file));
}

/** An environment by name, or a usage error listing the ones that exist. */
export function environmentOf(config: DualEnvConfig, name: string): Environment {
  const environment = findEnvironment(config, name);
  if (!environment) {
    const known = config.environments.map((e) => e.name).join(', ');
    throw new UsageError(`There is no environment "${name}" in ${config.file}; it declares: ${known}.`);
  }
  return environment;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
