import type { CheckFailure, SmokeCheck } from '../config';

/**
 * The pre-production checklist as plain data: what was found on staging turned
 * into items that pass, warn or refuse, as configured. No I/O here; the
 * gatherers (preproductionChecklist, smokeRequests) and preflightProduction feed it.
 */
export type CheckOutcome = 'passed' | 'warned' | 'refused';

export interface ChecklistItem {
  /** What was checked, for people: `Staging healthy on this commit`, `GET /api/health → 200`. */
  check: string;
  outcome: CheckOutcome;
  /** What was found, one clause. */
  detail: string;
}

export function outcomeOf(ok: boolean, onFailure: CheckFailure): CheckOutcome {
  if (ok) return 'passed';
  return onFailure === 'refuse' ? 'refused' : 'warned';
}

/** `problem` is stagingFirstProblem's answer: undefined when staging runs this commit healthy. */
export function stagingHealthItem(stagingLabel: string, commitShortHash: string, problem: string | undefined, onFailure: CheckFailure): ChecklistItem {
  return {
    check: `${stagingLabel} healthy on this commit`,
    outcome: outcomeOf(problem === undefined, onFailure),
    detail: problem ?? `${stagingLabel} runs ${commitShortHash}, every service healthy`,
  };
}

export interface LogLineFound {
  service: string;
  text: string;
}

/** What was read of staging's logs. */
export interface LogScan {
  /** ISO time lines were read from (staging's last successful deploy); absent: each container's whole log. */
  since?: string;
  linesRead: number;
  /** Lines matching an error pattern, in the order read. */
  matches: LogLineFound[];
  /** Some container had more lines than the check reads; only its newest were read. */
  capped: boolean;
  /** The logs could not be read (engine, container): the check could not be made. */
  error?: string;
}

/** Compiles the configured patterns once; a line is an error line when any matches. */
export function errorLineMatcher(patterns: readonly string[]): (line: string) => boolean {
  const compiled = patterns.map((pattern) => new RegExp(pattern));
  return (line) => compiled.some((pattern) => pattern.test(line));
}

const SHOWN_LINES = 3;
const SHOWN_CHARACTERS = 160;
const cut = (text: string) => (text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS - 1)}…` : text);

export function stagingLogsItem(stagingLabel: string, scan: LogScan, onFailure: CheckFailure): ChecklistItem {
  const check = `No error lines in ${stagingLabel}'s logs`;
  const span = `${scan.since ? `since its last deploy (${scan.since})` : 'since its containers started'}${scan.capped ? ', the newest lines of each container' : ''}`;
  if (scan.error) return { check, outcome: outcomeOf(false, onFailure), detail: `could not read them (${scan.error.replace(/\.$/, '')})` };
  if (scan.matches.length === 0) return { check, outcome: 'passed', detail: `none in ${scan.linesRead} line(s) ${span}` };
  const shown = scan.matches.slice(0, SHOWN_LINES).map((line) => `${line.service}: ${cut(line.text.trim())}`);
  const more = scan.matches.length > SHOWN_LINES ? `; and ${scan.matches.length - SHOWN_LINES} more` : '';
  return { check, outcome: outcomeOf(false, onFailure), detail: `${scan.matches.length} of ${scan.linesRead} line(s) ${span}: ${shown.join('; ')}${more}` };
}

/** One smoke request's answer: the final status after redirects on staging's origin, or why there is none. */
export interface SmokeResult {
  check: SmokeCheck;
  status?: number;
  error?: string;
}

export function smokePassed(check: SmokeCheck, status: number | undefined): boolean {
  if (status === undefined) return false;
  return check.status === undefined ? status >= 200 && status < 300 : status === check.status;
}

export function smokeItem(result: SmokeResult): ChecklistItem {
  const { check } = result;
  return {
    check: `GET ${check.path} → ${check.status ?? '2xx'}`,
    outcome: outcomeOf(smokePassed(check, result.status), check.onFailure),
    detail: result.error ?? `answered ${result.status}`,
  };
}

export function refusingItems(items: readonly ChecklistItem[]): ChecklistItem[] {
  return items.filter((item) => item.outcome === 'refused');
}

const LABEL: Record<CheckOutcome, string> = { passed: 'passed ', warned: 'WARNING', refused: 'REFUSED' };

/** One item as a line: its result first, so a column of results reads at a glance. */
export function checklistLine(item: ChecklistItem): string {
  return `${LABEL[item.outcome]}  ${item.check}: ${item.detail}`;
}

/** Why the deploy stops: every refusing check, in one sentence. */
export function refusalMessage(items: readonly ChecklistItem[]): string {
  const refused = refusingItems(items);
  return `The pre-production checklist refuses the deploy: ${refused.map((item) => `${item.check} (${item.detail.replace(/\.$/, '')})`).join('; ')}; production was not changed.`;
}
