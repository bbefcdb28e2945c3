import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { DockerUnreachableError, errorMessage } from '../common/errors';
import { redactSecrets } from '../common/process';
import { asDockerError, callDocker } from './client';
import { PROJECT_LABEL, SERVICE_LABEL, serviceOf } from './discovery';
import { openContainerEvents } from './eventStream';
import type { OutputStream } from './frames';
import { pumpLogLines, type Source } from './logStreamPump';
import { SeenLines } from './seenLines';
import { sleep } from './sleep';
import { followSwarmService } from '../swarm/serviceLogs';

export interface LogLine {
  service: string;
  /** `marker` lines come from Dual Env itself: a re-attach after a restart or recreation. */
  stream: OutputStream | 'marker';
  text: string;
  /** RFC 3339 time Docker recorded the line at (absent on markers). */
  timestamp?: string;
  /** A Swarm service's line: the task and node it came from, as `docker service logs` prefixes it (`stack_web.2.rq71l5v3ib05@node-2`). */
  task?: string;
}

export interface FollowLogsOptions {
  docker: Docker;
  projectName: string;
  /** One service, or all services of an environment. */
  services: readonly string[];
  follow: boolean;
  /** Unix seconds (may be fractional): only lines from then on. */
  since?: number;
  /** Lines of history per service before following (default: all). */
  tail?: number;
  signal?: AbortSignal;
  /** Lines buffered for a slow consumer before the Docker streams are paused. */
  highWaterMark?: number;
  /** Values replaced by `***` in every line (the compose file's passwords): logs end up in terminals, CI logs and output channels. */
  secrets?: readonly string[];
  /** The environment runs as this Swarm stack: its services' logs are followed on the manager, across task replacements. */
  swarmStack?: string;
}

/**
 * Logs of one service or several, as a readable stream of LogLine objects. Following
 * is by service: when its container restarts or is recreated the follower attaches
 * to the one that runs now, says so with a marker line, and asks only for lines after
 * the last one it saw. A slow consumer pauses the Docker streams (back-pressure).
 */
export function followLogs(options: FollowLogsOptions): Readable {
  const sources = new Set<Source>();
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let paused = false;
  const output = new Readable({
    objectMode: true,
    highWaterMark: options.highWaterMark ?? 512,
    read() {
      if (!paused) return;
      paused = false;
      for (const source of sources) source.resume();
    },
    destroy(error, callback) {
      stop.abort();
      callback(error);
    },
  });
  const emit = (line: LogLine) => {
    if (stop.signal.aborted) return;
    if (!output.push({ ...line, text: redactSecrets(line.text, options.secrets) }) && !paused) {
      paused = true;
      for (const source of sources) source.pause();
    }
  };
  const follower = { ...options, signal: stop.signal, emit, sources, isPaused: () => paused };
  const { swarmStack } = options;
  const followOne = (service: string) => (swarmStack ? followSwarmService(follower, swarmStack, service) : followService(follower, service));
  const services = options.follow
    ? Promise.all(options.services.map(followOne))
    // without -f the history comes service after service, each in order
    : options.services.reduce<Promise<unknown>>((previous, service) => previous.then(() => followOne(service)), Promise.resolve());
  services.then(
    () => { if (!output.destroyed) output.push(null); },
    (error: unknown) => { if (!output.destroyed) output.destroy(error as Error); },
  ).finally(() => options.signal?.removeEventListener('abort', onAbort));
  return output;
}

/**
 * A follow that failed: what is not a lost engine (or not followed) is thrown; a lost
 * engine (restart, network) is said once per outage, then the caller tries again after a
 * growing pause. Returns the outage's failure count so far.
 */
export async function backOffAfterLoss(f: Follower, service: string, error: unknown, failures: number): Promise<number> {
  const failure = asDockerError(error, f.docker);
  if (!f.follow || !(failure instanceof DockerUnreachableError)) throw failure;
  if (failures === 0) f.emit({ service, stream: 'marker', text: `${errorMessage(failure)} Still following ${service}.` });
  await sleep(Math.min(5_000, 250 * 2 ** (failures + 1)), f.signal);
  return failures + 1;
}

export type Follower = FollowLogsOptions & { signal: AbortSignal; emit: (line: LogLine) => void; sources: Set<Source>; isPaused: () => boolean };

interface Attached {
  id: string;
  startedAt: string;
}

async function followService(f: Follower, service: string): Promise<void> {
  let last: Attached | undefined;
  const seen = new SeenLines();
  let failures = 0;
  while (!f.signal.aborted) {
    const waiter = new AbortController();
    const stopWaiting = () => waiter.abort();
    f.signal.addEventListener('abort', stopWaiting, { once: true });
    try {
      // opened before looking, so a start between the look and the wait is not missed
      const next = f.follow ? await nextStart(f, service, waiter.signal) : undefined;
      const current = await currentContainer(f, service);
      const running = current?.State.Running === true;
      if (current && (!last || running)) {
        waiter.abort();
        if (last) f.emit({ service, stream: 'marker', text: markerText(service, last, current) });
        last = { id: current.Id, startedAt: current.State.StartedAt };
        seen.reattach();
        const ended = await streamContainer(f, service, current, seen);
        failures = 0;
        if (!f.follow) return;
        if (ended === 'aborted') return;
        continue;
      }
      if (!current && !last) f.emit({ service, stream: 'marker', text: `${service} has no container${f.follow ? ' yet; waiting for it to start' : ''}` });
      if (!f.follow) return;
      await next?.started;
      failures = 0;
    } catch (error) {
      if (f.signal.aborted) return;
      failures = await backOffAfterLoss(f, service, error, failures);
    } finally {
      waiter.abort();
      f.signal.removeEventListener('abort', stopWaiting);
    }
  }
}

function markerText(service: string, last: Attached, current: Docker.ContainerInspectInfo): string {
  const name = current.Name.replace(/^\//, '');
  if (current.Id !== last.id) return `${service} was recreated (new container ${name}, ${current.Id.slice(0, 12)}); following it`;
  if (current.State.StartedAt !== last.startedAt) return `${service} restarted (${name}); following it again`;
  return `log stream of ${service} reconnected`;
}

/** The container a service runs now: the running one, else the newest. */
async function currentContainer(f: Follower, service: string): Promise<Docker.ContainerInspectInfo | undefined> {
  const listed = await callDocker(f.docker, () => f.docker.listContainers({
    all: true, filters: { label: [`${PROJECT_LABEL}=${f.projectName}`, `${SERVICE_LABEL}=${service}`] },
  }));
  const candidates = listed.filter((c) => serviceOf(c.Labels) === service)
    .sort((a, b) => Number(b.State === 'running') - Number(a.State === 'running') || b.Created - a.Created);
  if (candidates.length === 0) return undefined;
  try {
    return await callDocker(f.docker, () => f.docker.getContainer(candidates[0].Id).inspect());
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined; // removed in between
    throw error;
  }
}

/** Resolves at the next start of a container of the service (restart, recreation, first start). */
async function nextStart(f: Follower, service: string, signal: AbortSignal): Promise<{ started: Promise<void> }> {
  let started!: () => void;
  const promise = new Promise<void>((resolve) => { started = resolve; });
  const events = await openContainerEvents(f.docker, [`${PROJECT_LABEL}=${f.projectName}`, `${SERVICE_LABEL}=${service}`], ['start'], () => started(), signal);
  // a stream that ends without a start (engine restart) also means: look again
  events.ended.then(() => started(), () => started());
  signal.addEventListener('abort', () => started(), { once: true });
  // wrapped: an async function returning the promise itself would wait for it
  return { started: promise };
}

/** Streams one container's log until it stops (follow) or its history ends. */
async function streamContainer(
  f: Follower,
  service: string,
  container: Docker.ContainerInspectInfo,
  seen: SeenLines,
): Promise<'ended' | 'aborted'> {
  const resumeAt = seen.since;
  const since = resumeAt !== undefined ? nanosToSince(resumeAt) : f.since;
  const logStream = await callDocker(f.docker, () => openLogStream(f.docker, container.Id, {
    follow: f.follow, stdout: true, stderr: true, timestamps: true,
    ...(since !== undefined ? { since } : {}),
    ...(resumeAt === undefined && f.tail !== undefined ? { tail: f.tail } : {}),
  }, f.signal));

  // a line without a timestamp is the rest of a long line the splitter cut: shown or skipped with its start
  const skippingRest = { stdout: false, stderr: false };
  const deliver = (stream: OutputStream, lines: string[]) => {
    for (const raw of lines) {
      const space = raw.indexOf(' ');
      const timestamp = space > 0 ? raw.slice(0, space) : undefined;
      const nanos = timestamp ? timestampNanos(timestamp) : undefined;
      if (nanos === undefined) {
        if (!skippingRest[stream]) f.emit({ service, stream, text: raw });
        continue;
      }
      const text = raw.slice(space + 1);
      skippingRest[stream] = !seen.admit(nanos, stream, text);
      if (skippingRest[stream]) continue; // already shown before the re-attach
      f.emit({ service, stream, text, timestamp });
    }
  };
  await pumpLogLines(f, logStream, container.Config.Tty === true, deliver);
  return f.signal.aborted ? 'aborted' : 'ended';
}

/**
 * A container's log as a stream, followed or not. dockerode's logs() hands an
 * unfollowed log back as one Buffer, the whole history in memory at once;
 * asked through its modem as a stream, the history flows under back-pressure
 * like a followed log.
 */
export function openLogStream(docker: Docker, containerId: string, query: Record<string, unknown>, signal: AbortSignal): Promise<NodeJS.ReadableStream & { destroy(): void }> {
  return new Promise((resolve, reject) => {
    docker.modem.dial({
      path: `/containers/${encodeURIComponent(containerId)}/logs?`, method: 'GET', isStream: true, abortSignal: signal,
      statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
      options: query,
    }, (error, stream) => (error ? reject(error) : resolve(stream as NodeJS.ReadableStream & { destroy(): void })));
  });
}

/** `2026-11-25T14:49:30.123456789Z` → nanoseconds since the epoch; undefined when it is not a timestamp. */
export function timestampNanos(timestamp: string): bigint | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(timestamp);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  return BigInt(seconds) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

/** Docker's `since` takes `seconds.nanoseconds`. */
export function nanosToSince(nanos: bigint): string {
  return `${nanos / 1_000_000_000n}.${String(nanos % 1_000_000_000n).padStart(9, '0')}`;
}
