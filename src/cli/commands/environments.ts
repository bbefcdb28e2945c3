import type { Command } from 'commander';
import { checkIsolation } from '../../core/engine';
import { configOf, printJson } from '../context';

/** `dual-env environments [--json]`: what the compose file declares, and the isolation check. */
export function registerEnvironmentsCommand(program: Command): void {
  program
    .command('environments')
    .description('list the environments the compose file declares and check their isolation')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }, command: Command) => {
      const config = configOf(command);
      const findings = checkIsolation(config);
      if (options.json) {
        const environments = config.environments.map((e) => ({
          name: e.name, label: e.label, production: e.isProduction, services: e.services, url: e.url,
          database: e.database && { host: e.database.host, port: e.database.port, name: e.database.name, user: e.database.user },
          branch: e.branchPattern, dockerHost: e.dockerHost, swarm: e.swarm,
        }));
        printJson({ file: config.file, project: config.projectName, environments, isolation: findings });
      } else {
        process.stdout.write(`${config.file} (project ${config.projectName})\n`);
        for (const e of config.environments) {
          process.stdout.write(`${e.label}${e.isProduction ? ' [production]' : ''}: ${e.services.join(', ')}${e.url ? ` · ${e.url}` : ''}${e.swarm ? ` · Swarm stack ${e.swarm.stack}` : ''}\n`);
        }
        for (const f of findings) process.stdout.write(`${f.severity}: ${f.message}\n`);
      }
      if (findings.some((f) => f.severity === 'error')) process.exitCode = 2;
    });
}
