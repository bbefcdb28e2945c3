import type { Remedy } from './remedies';

export interface DualEnvErrorOptions {
  cause?: unknown;
  /** What the person can do next, as data: the CLI prints commands, VS Code offers buttons. */
  remedies?: readonly Remedy[];
}

/**
 * Typed errors of the engine. Each carries one sentence for people (what, where,
 * what to do), the underlying cause and the remedies; adapters decide how to show them.
 */
export abstract class DualEnvError extends Error {
  /** Exit code the CLI uses: 2 for bad usage or configuration, 1 for a failed operation. */
  abstract readonly exitCode: 1 | 2;
  readonly remedies: readonly Remedy[];
  constructor(message: string, options?: DualEnvErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.remedies = options?.remedies ?? [];
  }
}

/** The compose file or its x-dual-env block is missing or wrong. */
export class ConfigError extends DualEnvError {
  readonly exitCode = 2;
}

/** The caller asked for something that cannot be done as asked (unknown environment, bad id). */
export class UsageError extends DualEnvError {
  readonly exitCode = 2;
}

/** A Docker engine did not answer. */
export class DockerUnreachableError extends DualEnvError {
  readonly exitCode = 1;
}

/** A child process (compose, git) failed. */
export class CommandFailedError extends DualEnvError {
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly exitStatus: number | null,
    readonly output: string,
    options?: DualEnvErrorOptions,
  ) {
    super(message, options);
  }
}

/** An operation stopped because its AbortSignal fired before it changed anything. */
export class CancelledError extends DualEnvError {
  readonly exitCode = 1;
  /** Marks the error across bundles: extension.js and engine.js each hold their own copy of this class. */
  readonly cancelled = true;
  constructor(message = 'Cancelled; nothing was changed.') {
    super(message);
  }
}

/** Whether the operation was cancelled, whichever bundle's CancelledError it threw (`instanceof` sees only its own). */
export function isCancelled(error: unknown): boolean {
  return error instanceof CancelledError || (error instanceof Error && (error as { cancelled?: unknown }).cancelled === true);
}

/**
 * Whether the error is one of the engine's, with a message written for people,
 * whichever bundle's copy of the classes threw it (`instanceof` sees only its own).
 */
export function isEngineError(error: unknown): boolean {
  return error instanceof DualEnvError || (error instanceof Error && typeof (error as { exitCode?: unknown }).exitCode === 'number');
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
