// A Swarm service's logs, `docker service logs` style: one stream on the manager
// (GET /services/{id}/logs) carries every task's lines, and keeps carrying the
// lines of the tasks that replace them (checked on the rig's swarm: a forced
// update or a killed task needs no re-attach). Each line names its task and node
// as `docker service logs` does. What needs handling here is the manager itself
// going away (reconnect, nothing shown twice) and the service not existing yet.
import type Docker from 'dockerode';
import { callDocker } from '../docker/client';
import { openDockerEvents } from '../docker/eventStream';
import type { OutputStream } from '../docker/frames';
import { pumpLogLines } from '../docker/logStreamPump';
import { backOffAfterLoss, nanosToSince, timestampNanos, type Follower } from '../docker/logFollower';
import { SeenLines } from '../docker/seenLines';
import { sleep } from '../docker/sleep';
import { inspectSwarmService } from './swarmApi';

/** Follows (or, without follow, prints the history of) the service `<stack>_<service>` until aborted. */
export async function followSwarmService(f: Follower, stack: string, service: string): Promise<void> {
  const name = `${stack}_${service}`;
  const seen = new SeenLines();
  const tasks = new TaskLabels(f.docker, name);
  let attached = false;
  let saidAbsent = false;
  let failures = 0;
  while (!f.signal.aborted) {
    const waiter = new AbortController();
    const stopWaiting = () => waiter.abort();
    f.signal.addEventListener('abort', stopWaiting, { once: true });
    try {
      // opened before looking, so a deploy between the look and the wait is not missed
      const created = f.follow ? await nextServiceCreate(f.docker, name, waiter.signal) : undefined;
      const spec = await inspectSwarmService<ServiceSpec>(f.docker, name);
      if (!spec) {
        if (!saidAbsent) f.emit({ service, stream: 'marker', text: `${service} is not a service of the Swarm stack ${stack}${f.follow ? ' yet; waiting for it to be deployed' : ''}` });
        saidAbsent = true;
        if (!f.follow) return;
        await created;
        continue;
      }
      waiter.abort();
      if (attached) f.emit({ service, stream: 'marker', text: `log stream of ${service} reconnected` });
      // set before streaming: a stream the manager's loss breaks (rather than ends) counts as attached too
      attached = true;
      seen.reattach();
      const { ended, lines } = await streamService(f, service, spec, seen, tasks);
      if (!f.follow || ended === 'aborted') return;
      // a stream the manager ends at once, again and again, must not turn into a busy loop
      failures = lines > 0 ? 0 : failures + 1;
      if (failures > 0) await sleep(Math.min(5_000, 250 * 2 ** failures), f.signal);
    } catch (error) {
      if (f.signal.aborted) return;
      failures = await backOffAfterLoss(f, service, error, failures);
    } finally {
      waiter.abort();
      f.signal.removeEventListener('abort', stopWaiting);
    }
  }
}

interface ServiceSpec {
  ID: string;
  Spec?: { TaskTemplate?: { ContainerSpec?: { TTY?: boolean } } };
}

/** Resolves when the service is created (a deploy), or the event stream ends (look again). */
async function nextServiceCreate(docker: Docker, name: string, signal: AbortSignal): Promise<{ created: Promise<void> }> {
  let created!: () => void;
  const promise = new Promise<void>((resolve) => { created = resolve; });
  const events = await openDockerEvents(docker, { type: ['service'], service: [name], event: ['create'] }, () => created(), signal);
  events.ended.then(() => created(), () => created());
  signal.addEventListener('abort', () => created(), { once: true });
  return { created: promise };
}

/**
 * `<service>.<slot>.<task id>@<node>` for a task id, as `docker service logs` names
 * a line's origin; asked of the manager once per task (a replacement is a new id).
 */
class TaskLabels {
  private readonly labels = new Map<string, Promise<string>>();
  private readonly hostnames = new Map<string, Promise<string>>();

  constructor(private readonly docker: Docker, private readonly serviceName: string) {}

  of(taskId: string, nodeId: string): Promise<string> {
    let label = this.labels.get(taskId);
    if (!label) {
      label = this.look(taskId, nodeId);
      this.labels.set(taskId, label);
    }
    return label;
  }

  private async look(taskId: string, nodeId: string): Promise<string> {
    const task = await (this.docker.getTask(taskId).inspect() as Promise<{ Slot?: number }>).catch(() => undefined);
    const slot = task?.Slot !== undefined ? String(task.Slot) : nodeId; // a global service's task is named by its node
    return `${this.serviceName}.${slot}.${taskId.slice(0, 12)}@${await this.hostname(nodeId)}`;
  }

  private hostname(nodeId: string): Promise<string> {
    let hostname = this.hostnames.get(nodeId);
    if (!hostname) {
      hostname = (this.docker.getNode(nodeId).inspect() as Promise<{ Description?: { Hostname?: string } }>)
        .then((node) => node.Description?.Hostname ?? nodeId, () => nodeId);
      this.hostnames.set(nodeId, hostname);
    }
    return hostname;
  }
}

/** `com.docker.swarm.node.id=…,com.docker.swarm.service.id=…,com.docker.swarm.task.id=…` → its values. */
export function parseDetails(details: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of details.split(',')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    const raw = pair.slice(equals + 1);
    try {
      values[pair.slice(0, equals)] = decodeURIComponent(raw);
    } catch {
      values[pair.slice(0, equals)] = raw;
    }
  }
  return values;
}

/** Streams the service's log until the manager ends it (follow) or its history ends. */
async function streamService(
  f: Follower,
  service: string,
  spec: ServiceSpec,
  seen: SeenLines,
  tasks: TaskLabels,
): Promise<{ ended: 'ended' | 'aborted'; lines: number }> {
  const resumeAt = seen.since;
  const since = resumeAt !== undefined ? nanosToSince(resumeAt) : f.since;
  const logStream = await callDocker(f.docker, () => openServiceLogStream(f.docker, spec.ID, {
    follow: f.follow, stdout: true, stderr: true, timestamps: true, details: true,
    ...(since !== undefined ? { since } : {}),
    ...(resumeAt === undefined && f.tail !== undefined ? { tail: f.tail } : {}),
  }, f.signal));

  let lines = 0;
  // labels are looked up on the manager: lines wait in order behind a lookup
  let delivered: Promise<void> = Promise.resolve();
  const deliverLine = async (stream: OutputStream, raw: string) => {
    const [timestamp, details, ...rest] = raw.split(' ');
    const nanos = timestampNanos(timestamp);
    if (nanos === undefined || details === undefined) {
      f.emit({ service, stream, text: raw });
      return;
    }
    // docker service logs writes the message after one more space, as here
    const text = rest.join(' ');
    const origin = parseDetails(details);
    const taskId = origin['com.docker.swarm.task.id'] ?? '';
    // tasks' lines interleave, each task's in order: repeats are told apart per task
    if (!seen.admit(nanos, `${stream} ${taskId}`, text)) return;
    lines++;
    const task = taskId ? await tasks.of(taskId, origin['com.docker.swarm.node.id'] ?? '') : undefined;
    f.emit({ service, stream, text, timestamp, task });
  };
  const deliver = (stream: OutputStream, raws: string[]) => {
    for (const raw of raws) delivered = delivered.then(() => deliverLine(stream, raw));
  };
  const tty = spec.Spec?.TaskTemplate?.ContainerSpec?.TTY === true;
  await pumpLogLines(f, logStream, tty, deliver);
  await delivered;
  return { ended: f.signal.aborted ? 'aborted' : 'ended', lines };
}

function openServiceLogStream(docker: Docker, serviceId: string, query: Record<string, unknown>, signal: AbortSignal): Promise<NodeJS.ReadableStream & { destroy(): void }> {
  return new Promise((resolve, reject) => {
    docker.modem.dial({
      path: `/services/${encodeURIComponent(serviceId)}/logs?`, method: 'GET', isStream: true, abortSignal: signal,
      statusCodes: { 200: true, 404: 'no such service', 500: 'server error', 503: 'node is not part of a swarm' },
      options: query,
    }, (error, stream) => (error ? reject(error) : resolve(stream as NodeJS.ReadableStream & { destroy(): void })));
  });
}
