import { once } from 'node:events';
import type { Command } from 'commander';
import { dockerClientFor, followLogs, secretsOf, UsageError, type LogLine } from '../../core/engine';
import { configOf, environmentOf } from '../context';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `10m`, `1h30m`, `45s`, `2d` ago, or an ISO date, as Unix seconds. */
export function parseSince(value: string, now = Date.now()): number {
  const duration = /^(?:\d+[smhd])+$/.test(value) ? [...value.matchAll(/(\d+)([smhd])/g)] : undefined;
  if (duration) return Math.floor(now / 1000) - duration.reduce((sum, [, n, unit]) => sum + Number(n) * UNITS[unit], 0);
  const time = /^\d{4}-\d\d-\d\d/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isNaN(time)) return Math.floor(time / 1000);
  throw new UsageError(`--since "${value}" is neither a duration (10m, 1h30m, 2d) nor a date (2026-11-25T14:00:00Z); give one of those.`);
}

/** History shown without -f when no --tail is given: a log of months must not flood the terminal. */
export const DEFAULT_HISTORY_LINES = 200;

/** The lines of history to ask for: --tail as given, else all when following or since a time, else DEFAULT_HISTORY_LINES. */
export function historyLines(options: { tail?: string; follow?: boolean; since?: string }): number | undefined {
  if (options.tail !== undefined) return parseTail(options.tail);
  return options.follow || options.since !== undefined ? undefined : DEFAULT_HISTORY_LINES;
}

export function parseTail(value: string): number | undefined {
  if (value === 'all') return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--tail "${value}" is not a number of lines; give a whole number or "all".`);
  return Number(value);
}

/** `dual-env logs <env> [<service>] [-f] [--since 10m] [--tail N]`. */
export function registerLogsCommand(program: Command): void {
  program
    .command('logs')
    .description('show the logs of an environment (lines prefixed by service) or of one of its services')
    .argument('<environment>', 'staging, production, … as declared in x-dual-env')
    .argument('[service]', 'one service of that environment (default: all of them)')
    .option('-f, --follow', 'keep following, across restarts and recreations of the containers')
    .option('--since <when>', 'only lines since a duration ago (10m, 1h30m) or a date')
    .option('--tail <lines>', `lines of history per service ("all" for everything; default ${DEFAULT_HISTORY_LINES} unless -f or --since)`)
    .addHelpText('after', '\nContainers\' stdout goes to stdout, their stderr to stderr; lines starting with "---" are Dual Env\'s own notes (a restart, a recreation).')
    .action(async (environmentName: string, service: string | undefined, options: { follow?: boolean; since?: string; tail?: string }, command: Command) => {
      const config = configOf(command);
      const environment = environmentOf(config, environmentName);
      if (service !== undefined && !environment.services.includes(service)) {
        throw new UsageError(`Environment ${environment.name} has no service "${service}"; it has: ${environment.services.join(', ')}.`);
      }
      const services = service ? [service] : environment.services;
      const since = options.since !== undefined ? parseSince(options.since) : undefined;
      const tail = historyLines(options);
      const stop = new AbortController();
      const interrupt = () => stop.abort();
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      const width = Math.max(...services.map((s) => s.length));
      const prefix = (line: LogLine) => (services.length > 1 ? `${line.service.padEnd(width)} | ` : '');
      try {
        const lines = followLogs({ docker: dockerClientFor(environment), projectName: config.projectName, services, follow: options.follow === true, since, tail, signal: stop.signal, secrets: secretsOf(config), swarmStack: environment.swarm?.stack });
        for await (const line of lines as AsyncIterable<LogLine>) {
          const target = line.stream === 'stderr' ? process.stderr : process.stdout;
          const text = line.stream === 'marker' ? `--- ${line.text} ---` : `${line.task ? `${line.task} | ` : ''}${line.text}`;
          // waiting for the terminal or pipe to drain pauses the Docker streams behind it
          if (!target.write(`${prefix(line)}${text}\n`)) await once(target, 'drain');
        }
      } finally {
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
      }
    });
}
