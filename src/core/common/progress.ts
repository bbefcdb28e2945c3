/**
 * What every long operation reports while it runs. The CLI prints these, the
 * extension shows them under withProgress and in its LogOutputChannel.
 */
export interface ProgressEvent {
  /** Short name of the step (`backup`, `build`, `health`), stable for tests. */
  step: string;
  state: 'running' | 'done' | 'failed' | 'skipped';
  /** Milliseconds since the operation started. */
  elapsedMs: number;
  /** One line for people: what is happening now. */
  message?: string;
  /** A line of output from a child process (compose, git), already free of secrets. */
  logLine?: string;
  /** 0..1 when the step knows how far it is. */
  fraction?: number;
}

export type ProgressListener = (event: ProgressEvent) => void;

/** A reporter bound to one operation's start time. */
export function progressReporter(listener: ProgressListener = () => {}, now: () => number = Date.now) {
  const started = now();
  const emit = (event: Omit<ProgressEvent, 'elapsedMs'>) => listener({ ...event, elapsedMs: now() - started });
  return {
    running: (step: string, message?: string, fraction?: number) => emit({ step, state: 'running', message, fraction }),
    done: (step: string, message?: string) => emit({ step, state: 'done', message }),
    failed: (step: string, message?: string) => emit({ step, state: 'failed', message }),
    skipped: (step: string, message?: string) => emit({ step, state: 'skipped', message }),
    log: (step: string, logLine: string) => emit({ step, state: 'running', logLine }),
  };
}
export type ProgressReporter = ReturnType<typeof progressReporter>;
