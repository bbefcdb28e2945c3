import { FrameDecoder, LineSplitter, type OutputStream } from './frames';

/** A Docker log stream the follower pauses while its reader is behind (back-pressure). */
export interface Source {
  pause(): void;
  resume(): void;
}

/** What a pump needs of the follower: its abort, and the sources it pauses and resumes. */
export interface PumpOwner {
  signal: AbortSignal;
  sources: Set<Source>;
  isPaused(): boolean;
}

/**
 * Reads one Docker log stream (a container's or a Swarm service's) until it ends or
 * the owner aborts: frames are demultiplexed unless the stream is a TTY's, cut into
 * lines per output stream and handed to `deliver`, the last partial lines at the end.
 * An error after the abort is the abort's own doing and ends the read quietly.
 */
export async function pumpLogLines(
  owner: PumpOwner,
  logStream: NodeJS.ReadableStream & { destroy(): void },
  tty: boolean,
  deliver: (stream: OutputStream, lines: string[]) => void,
): Promise<void> {
  const decoder = tty ? undefined : new FrameDecoder();
  const splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };
  const onChunk = (chunk: Buffer) => {
    if (!decoder) return deliver('stdout', splitters.stdout.push(chunk));
    for (const frame of decoder.push(chunk)) deliver(frame.stream, splitters[frame.stream].push(frame.payload));
  };
  const source: Source = { pause: () => logStream.pause(), resume: () => logStream.resume() };
  owner.sources.add(source);
  if (owner.isPaused()) logStream.pause();
  try {
    await new Promise<void>((resolve, reject) => {
      logStream.on('data', onChunk);
      logStream.once('end', () => resolve());
      logStream.once('close', () => resolve());
      logStream.once('error', (error: Error) => (owner.signal.aborted ? resolve() : reject(error)));
      owner.signal.addEventListener('abort', () => { logStream.destroy(); resolve(); }, { once: true });
    });
  } finally {
    owner.sources.delete(source);
  }
  deliver('stdout', splitters.stdout.flush());
  deliver('stderr', splitters.stderr.flush());
}
