import type { Command } from 'commander';
import type { ContainerStatus, EnvironmentStatus } from '../../core/docker/discovery';
import { checkIsolation, dockerClientFor, DockerUnreachableError, readEnvironmentStatus, unknownStatus } from '../../core/engine';
import { configOf, printJson } from '../context';
import { swarmLines } from './swarmLines';

const HELP = `
Exit codes:
  0  every environment is healthy or degraded
  1  an environment is down, or its Docker engine does not answer
  2  the compose file is wrong (missing, malformed, or staging and production share a database or port)`;

/** `dual-env status [--json]`: both environments, every container, isolation findings. */
export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('show the health of every environment and its containers, and the isolation check')
    .option('--json', 'machine-readable output')
    .addHelpText('after', HELP)
    .action(async (options: { json?: boolean }, command: Command) => {
      const config = configOf(command);
      const findings = checkIsolation(config);
      const statuses: EnvironmentStatus[] = [];
      const unreachable: DockerUnreachableError[] = [];
      for (const environment of config.environments) {
        try {
          statuses.push(await readEnvironmentStatus(dockerClientFor(environment), config, environment));
        } catch (error) {
          if (!(error instanceof DockerUnreachableError)) throw error;
          unreachable.push(error);
          statuses.push(unknownStatus(environment, error.message));
        }
      }
      // nothing could be read at all: one sentence is clearer than a page of "unknown"
      if (unreachable.length === config.environments.length && unreachable.length > 0) throw unreachable[0];

      if (options.json) {
        printJson({ file: config.file, project: config.projectName, environments: statuses, isolation: findings });
      } else {
        process.stdout.write(`${config.file} (project ${config.projectName})\n`);
        for (const status of statuses) {
          const environment = config.environments.find((e) => e.name === status.environment);
          process.stdout.write(`\n${environment?.label ?? status.environment}: ${status.health} — ${status.reason}\n`);
          const lines = status.swarm ? swarmLines(status.swarm) : status.containers.map(containerLine);
          for (const line of lines) process.stdout.write(`  ${line}\n`);
        }
        if (findings.length > 0) process.stdout.write('\nIsolation:\n');
        for (const finding of findings) process.stdout.write(`  ${finding.severity}: ${finding.message}\n`);
      }
      if (findings.some((f) => f.severity === 'error')) process.exitCode = 2;
      else if (statuses.some((s) => s.health === 'down' || s.health === 'unknown')) process.exitCode = 1;
    });
}

function containerLine(c: ContainerStatus): string {
  if (c.state === 'missing') return `${c.service.padEnd(22)} missing (no container; deploy or start it)`;
  const state = c.state === 'running' && c.health !== 'none' ? `running/${c.health}` : c.state;
  const ports = c.ports.map((p) => `${p.hostIp ? `${p.hostIp}:` : ''}${p.hostPort}→${p.containerPort}${p.protocol === 'tcp' ? '' : `/${p.protocol}`}`).join(', ');
  const restarts = c.restartCount > 0 ? `  restarts ${c.restartCount}` : '';
  const probe = c.healthLog ? `\n  ${''.padEnd(22)} last probe: ${c.healthLog.split('\n')[0]}` : '';
  return `${c.service.padEnd(22)} ${state.padEnd(18)} ${(ports || '-').padEnd(40)} ${c.image}${restarts}${probe}`;
}
