import type Docker from 'dockerode';
import { callDocker } from './client';
import { projectFilter, serviceOf } from './discovery';
import { FrameDecoder, LineSplitter, type OutputStream } from './frames';
import { openLogStream } from './logFollower';

export interface RecentLogOptions {
  /** Only lines Docker recorded from then on. */
  since?: Date;
  /** At most this many lines per container, the newest. */
  maxLines: number;
  /** At most this many bytes per container: lines can be long, and the check must stay quick. */
  maxBytes?: number;
  signal: AbortSignal;
}

export interface RecentLogResult {
  /** Services with no container: nothing to read. */
  missing: string[];
  /** A container had more to give than maxLines or maxBytes allowed. */
  capped: boolean;
  linesRead: number;
}

const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Reads, without following, the recent log lines of each service's current
 * container (the running one, else the newest) and hands each line to `onLine`.
 * Bounded per container by lines and bytes, so a chatty service costs little.
 */
export async function readRecentLogLines(
  docker: Docker,
  projectName: string,
  services: readonly string[],
  options: RecentLogOptions,
  onLine: (service: string, text: string, stream: OutputStream) => void,
): Promise<RecentLogResult> {
  const listed = await callDocker(docker, () => docker.listContainers({ all: true, filters: projectFilter(projectName) }));
  const result: RecentLogResult = { missing: [], capped: false, linesRead: 0 };
  for (const service of services) {
    const [current] = listed.filter((c) => serviceOf(c.Labels) === service)
      .sort((a, b) => Number(b.State === 'running') - Number(a.State === 'running') || b.Created - a.Created);
    if (!current) {
      result.missing.push(service);
      continue;
    }
    const info = await callDocker(docker, () => docker.getContainer(current.Id).inspect());
    const count = await readContainer(docker, info, options, (text, stream) => onLine(service, text, stream));
    result.linesRead += count.lines;
    result.capped ||= count.capped;
  }
  return result;
}

async function readContainer(
  docker: Docker,
  info: Docker.ContainerInspectInfo,
  options: RecentLogOptions,
  onLine: (text: string, stream: OutputStream) => void,
): Promise<{ lines: number; capped: boolean }> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // one more than wanted: when it comes, there was more than the check reads
  const query: Record<string, unknown> = { follow: false, stdout: true, stderr: true, tail: options.maxLines + 1 };
  if (options.since) query.since = (options.since.getTime() / 1000).toFixed(3);
  const stream = await callDocker(docker, () => openLogStream(docker, info.Id, query, options.signal));
  const decoder = info.Config.Tty ? undefined : new FrameDecoder();
  const splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };
  const lines: Array<{ text: string; stream: OutputStream }> = [];
  let bytes = 0;
  let cappedByBytes = false;
  const take = (stream: OutputStream, texts: string[]) => { for (const text of texts) lines.push({ text, stream }); };
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (!decoder) take('stdout', splitters.stdout.push(chunk));
      else for (const frame of decoder.push(chunk)) take(frame.stream, splitters[frame.stream].push(frame.payload));
      if (bytes >= maxBytes) {
        cappedByBytes = true;
        stream.destroy();
        resolve();
      }
    });
    stream.once('end', () => resolve());
    stream.once('close', () => resolve());
    stream.once('error', (error: Error) => (options.signal.aborted || cappedByBytes ? resolve() : reject(error)));
  });
  if (!cappedByBytes) {
    take('stdout', splitters.stdout.flush());
    take('stderr', splitters.stderr.flush());
  }
  const capped = cappedByBytes || lines.length > options.maxLines;
  const kept = lines.length > options.maxLines ? lines.slice(lines.length - options.maxLines) : lines;
  for (const line of kept) onLine(line.text, line.stream);
  return { lines: kept.length, capped };
}
