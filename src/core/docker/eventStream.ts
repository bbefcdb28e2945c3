import type Docker from 'dockerode';
import { callDocker } from './client';
import { LineSplitter } from './frames';

/** The part of a Docker event the engine uses. */
export interface DockerEvent {
  Type?: string;
  Action?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

/** Container events that can change what status shows; exec_* (health probes) and attach/resize noise are left out. */
export const STATUS_ACTIONS = ['create', 'start', 'restart', 'stop', 'die', 'kill', 'pause', 'unpause', 'destroy', 'health_status', 'rename', 'oom', 'update'];

export interface EventSubscription {
  /** Resolves when the stream ends (daemon restart, network), rejects on a stream error; never while healthy. */
  ended: Promise<void>;
}

/**
 * Opens Docker's event stream for the containers carrying the given labels and
 * calls `onEvent` for each event; the stream closes when `signal` fires.
 */
export function openContainerEvents(
  docker: Docker,
  labels: readonly string[],
  actions: readonly string[],
  onEvent: (event: DockerEvent) => void,
  signal: AbortSignal,
): Promise<EventSubscription> {
  return openDockerEvents(docker, { type: ['container'], label: [...labels], event: [...actions] }, onEvent, signal);
}

/** Opens Docker's event stream with the engine's own `filters` (Swarm's service and node events, say). */
export async function openDockerEvents(
  docker: Docker,
  filters: Record<string, string[]>,
  onEvent: (event: DockerEvent) => void,
  signal: AbortSignal,
): Promise<EventSubscription> {
  const stream = await callDocker(docker, () => docker.getEvents({
    filters,
    abortSignal: signal,
  } as Docker.GetEventsOptions)) as NodeJS.ReadableStream & { destroy?: () => void };
  const lines = new LineSplitter();
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      for (const line of lines.push(chunk)) {
        if (!line.trim()) continue;
        try {
          onEvent(JSON.parse(line) as DockerEvent);
        } catch {
          // a line that is not JSON is not an event we can use
        }
      }
    });
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('aborted', () => resolve());
    stream.on('error', (error: Error) => (signal.aborted ? resolve() : reject(error)));
  });
  signal.addEventListener('abort', () => stream.destroy?.(), { once: true });
  // a caller that gave up on the stream before awaiting `ended` must not crash the process
  ended.catch(() => undefined);
  return { ended };
}

export function containerIdOf(event: DockerEvent): string | undefined {
  return event.Actor?.ID ?? event.id;
}
