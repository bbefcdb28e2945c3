import { UsageError } from '../common/errors';
import { ensureServicesUp, restartServices, stopServices } from '../compose/composeRunner';
import { leaveEdgeUnpinned } from './edgeSwitch';
import { assertIsolated, findEnvironment } from '../config';
import { refuseUnlessComposeCanInterpolate } from './composeInterpolation';
import { withEnvironmentLock } from './environmentLock';
import { targetFor, type OperationDeps } from './operationContext';
import { progressReporter, type ProgressListener } from '../common/progress';
import { waitForHealth } from './waitForHealth';

export type ControlAction = 'up' | 'down' | 'restart';

export interface ControlOptions {
  environment: string;
  action: ControlAction;
  /** One service of the environment; default all of them. */
  service?: string;
  healthTimeoutSeconds?: number;
}

/**
 * Starts (`up`), stops (`down`: containers stopped, data kept) or restarts an
 * environment or one of its services, holding its lock; up and restart wait for health.
 */
export async function controlEnvironment(deps: Pick<OperationDeps, 'config' | 'docker' | 'compose'>, options: ControlOptions, signal: AbortSignal, onProgress?: ProgressListener): Promise<void> {
  const progress = progressReporter(onProgress);
  assertIsolated(deps.config);
  const environment = findEnvironment(deps.config, options.environment);
  if (!environment) throw new UsageError(`There is no environment "${options.environment}" in ${deps.config.file}; it declares: ${deps.config.environments.map((e) => e.name).join(', ')}.`);
  if (options.service && !environment.services.includes(options.service)) {
    throw new UsageError(`${environment.label} has no service "${options.service}"; its services are ${environment.services.join(', ')}.`);
  }
  const services = options.service ? [options.service] : environment.services;
  const target = targetFor(deps, environment);
  // Compose reads the whole file for a stop too: a missing password is said with its remedy, not as Compose's error
  await refuseUnlessComposeCanInterpolate(deps, environment, signal);
  const onLine = (line: string) => progress.log(options.action, line);
  // no history line: the history records what version and data an environment runs, which a start or stop leaves as they were
  await withEnvironmentLock(deps.config, environment, `${options.action} of ${services.join(', ')}`, NOUNS[options.action], async () => {
    progress.running(options.action, `${options.action === 'up' ? 'Starting' : options.action === 'down' ? 'Stopping' : 'Restarting'} ${services.join(', ')}`);
    if (options.action === 'down') {
      await stopServices(target, services, { signal, onLine });
      progress.done('down', `Stopped ${services.join(', ')}; their data is kept`);
      return;
    }
    // up starts what is there and creates what is missing, but never recreates: replacing containers is a deploy's job, with its backup
    await (options.action === 'up' ? ensureServicesUp : restartServices)(target, services, { signal, onLine });
    await leaveEdgeUnpinned(deps.docker, deps.config, environment.edge, onLine);
    progress.running('health', `Waiting for ${services.join(', ')} to be healthy`);
    await waitForHealth(deps.docker, deps.config, services, {
      timeoutMs: (options.healthTimeoutSeconds ?? environment.healthTimeoutSeconds) * 1000,
      onStatus: (line) => progress.log('health', line),
      signal,
    });
    progress.done(options.action, `${services.join(', ')} ${options.action === 'up' ? 'up' : 'restarted'} and healthy`);
  }, (line) => progress.log('lock', line));
}

/** Each action as a sentence names it: "this stop's lock stays". */
const NOUNS: Record<ControlAction, string> = { up: 'start', down: 'stop', restart: 'restart' };
