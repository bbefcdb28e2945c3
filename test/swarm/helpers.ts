// What the swarm suite's logging tests share: the logging stack deployed, a log stream's lines collected.
import path from 'node:path';
import type { Readable } from 'node:stream';
import { loadConfig, type DualEnvConfig } from '../../src/core/config';
import type { LogLine } from '../../src/core/docker/logFollower';
import { SWARM_WEB_IMAGE, inRegistry, managerDocker, type Swarm } from '../rig';

export const LOGS_PROJECT = path.join(__dirname, 'fixtures', 'logs-stack.yml');
export const LOGS_STACK = 'dual-env-swarm-logs';

/** The lines of a log stream as they come, and a wait for the first (from now on or already seen) that passes a test. */
export function collectLines(lines: Readable): { seen: LogLine[]; first: (accept: (line: LogLine) => boolean) => Promise<LogLine> } {
  const seen: LogLine[] = [];
  const waiting = new Set<{ accept: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  lines.on('data', (line: LogLine) => {
    seen.push(line);
    for (const waiter of waiting) {
      if (!waiter.accept(line)) continue;
      waiting.delete(waiter);
      waiter.resolve(line);
    }
  });
  return {
    seen,
    first: (accept) => new Promise((resolve) => {
      const already = seen.find(accept);
      if (already) resolve(already);
      else waiting.add({ accept, resolve });
    }),
  };
}

export function deployLoggingStack(swarm: Swarm): DualEnvConfig {
  process.env.WEB_IMAGE = inRegistry(swarm, SWARM_WEB_IMAGE);
  managerDocker(swarm, ['stack', 'deploy', '--detach=false', '--resolve-image', 'never', '-c', LOGS_PROJECT, LOGS_STACK], { WEB_IMAGE: process.env.WEB_IMAGE });
  return loadConfig(LOGS_PROJECT);
}

