// The history line of one deploy or rollback while it runs: written `unfinished` ahead of
// each step, then replaced (same id) by its outcome. Should the server stop answering
// during a step, the line its history keeps says where the operation stopped, for every
// teammate who reads it; the operation's own error says the same (`stoppedAt`).
import crypto from 'node:crypto';
import { errorMessage } from '../common/errors';
import type { ProgressReporter } from '../common/progress';
import type { Environment } from '../config';
import { recordHistory } from './environmentHistory';
import { newRecord, type HistoryOperation, type HistoryOutcome, type HistoryRecord } from './history';
import type { OperationDeps } from './operationContext';

/** What the line says of the operation besides who, when, what and its outcome; each write gives what is known by then. */
export type LineFacts = Omit<HistoryRecord, 'id' | 'user' | 'hostname' | 'operation' | 'environment' | 'startedAt' | 'finishedAt' | 'durationMs' | 'outcome' | 'error' | 'step'>;

export interface HistoryLine {
  /** The step the last `unfinished` line written names: where the history says the operation stopped. */
  readonly stoppedAt: string | undefined;
  /** The step marked last, written or not. */
  readonly step: string | undefined;
  /** Writes the line `unfinished` at `step`, ahead of it; a line that cannot be written is said, never thrown. */
  mark(step: string, facts?: LineFacts): Promise<void>;
  /**
   * Writes the operation's outcome over its `unfinished` lines, at `step` (default: the
   * step given by `currentStep`, else the one marked last). A line that cannot be written
   * (the server gone) is said, never thrown over the operation's own outcome; false then.
   */
  record(outcome: HistoryOutcome, facts?: LineFacts, error?: string, step?: string): Promise<boolean>;
}

export interface HistoryLineOptions {
  operation: HistoryOperation;
  /** What the operation is called in a sentence: "deploy", "staging deploy", "rollback". */
  noun: string;
  startedAt: Date;
  /** Facts every write of the line carries; a write's own facts, where given, win. */
  facts?: () => LineFacts;
  /** The step an outcome is recorded at, when it is not the step marked last (a deploy's point of no return). */
  currentStep?: () => string | undefined;
}

/** The facts whose value is known: an undefined one must not hide the value every write carries. */
const given = (facts: LineFacts): LineFacts => Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined));

export function historyLine(deps: Pick<OperationDeps, 'config' | 'docker' | 'now'>, environment: Environment, options: HistoryLineOptions, progress: ProgressReporter): HistoryLine {
  const id = crypto.randomUUID();
  const now = deps.now ?? (() => new Date());
  let stoppedAt: string | undefined;
  let marked: string | undefined;

  const write = async (outcome: HistoryOutcome, facts: LineFacts, error: string | undefined, step: string | undefined): Promise<boolean> => {
    const finishedAt = now();
    return recordHistory(deps.config, environment, newRecord({
      ...options.facts?.(), ...given(facts),
      id, operation: options.operation, environment: environment.name, outcome, error, step,
      startedAt: options.startedAt.toISOString(), finishedAt: finishedAt.toISOString(), durationMs: finishedAt.getTime() - options.startedAt.getTime(),
    }), deps.docker).then(() => true, (writeError: unknown) => {
      progress.log('history', `The history line of this ${options.noun} (${outcome}${outcome === 'unfinished' ? ` at ${step}` : ''}) could not be written: ${errorMessage(writeError)}`);
      return false;
    });
  };

  return {
    get stoppedAt() { return stoppedAt; },
    get step() { return marked; },
    async mark(step, facts = {}) {
      marked = step;
      if (await write('unfinished', facts, undefined, step)) stoppedAt = step;
    },
    record(outcome, facts = {}, error, step) {
      return write(outcome, facts, error, step ?? (options.currentStep ? options.currentStep() : marked));
    },
  };
}
