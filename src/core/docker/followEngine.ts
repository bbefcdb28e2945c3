import type Docker from 'dockerode';
import { errorMessage } from '../common/errors';
import { asDockerError, dockerHostLabel } from './client';
import { sleep } from './sleep';

export interface FollowEngineOptions {
  docker: Docker;
  /** Ends the following for good. */
  disposed: AbortSignal;
  /** What is followed, for the sentence said when its streams end ("the Swarm manager "). */
  what?: string;
  /**
   * Opens the event streams, then reads the state once (streams first, so no change
   * between the two is missed); resolves with `ended`, which settles when a stream ends.
   */
  session: (connection: AbortSignal) => Promise<{ ended: Promise<unknown> }>;
  retryDelay: (attempt: number) => number;
  /** The engine stopped answering or its stream ended: `why` in one sentence. */
  lost: (why: string) => void;
  log?: (line: string) => void;
}

/**
 * Follows an engine's events until disposed: each time its streams end or it stops
 * answering, says why once and opens them again after a growing delay (reset by a
 * session that got as far as its first read).
 */
export async function followEngine(options: FollowEngineOptions): Promise<void> {
  const { docker, disposed } = options;
  let attempt = 0;
  while (!disposed.aborted) {
    const connection = new AbortController();
    const stop = () => connection.abort();
    disposed.addEventListener('abort', stop, { once: true });
    let why: string;
    try {
      const { ended } = await options.session(connection.signal);
      attempt = 0;
      await ended;
      why = `The Docker event stream from ${options.what ?? ''}${dockerHostLabel(docker)} ended (engine restarting?); reconnecting.`;
    } catch (error) {
      why = errorMessage(asDockerError(error, docker));
    } finally {
      connection.abort();
      disposed.removeEventListener('abort', stop);
    }
    if (disposed.aborted) return;
    const delay = options.retryDelay(attempt++);
    options.log?.(`${why} Retrying in ${delay} ms.`);
    options.lost(why);
    await sleep(delay, disposed);
  }
}
