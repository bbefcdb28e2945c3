import type { CheckFailure, ChecklistConfig, Environment, SmokeCheck } from './model';

type Path = readonly (string | number)[];
type Fail = (at: Path, what: string) => never;

/** Lines that mean an error in most stacks' logs: Node's uncaught and unhandled errors, loggers' ERROR and FATAL levels. */
export const DEFAULT_LOG_PATTERNS: readonly string[] = ['\\bERROR\\b', '\\bFATAL\\b', 'Unhandled'];

const DEFAULTS: ChecklistConfig = {
  stagingLogs: { onFailure: 'warn', patterns: [...DEFAULT_LOG_PATTERNS], maxLines: 2000 },
  smoke: [],
  smokeTimeoutSeconds: 10,
};

/** The environment's checklist, with the defaults where x-dual-env says nothing. */
export function checklistOf(environment: Pick<Environment, 'checklist'>): ChecklistConfig {
  return environment.checklist ?? DEFAULTS;
}

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function rejectUnknownKeys(raw: Record<string, unknown>, known: readonly string[], at: Path, what: string, fail: Fail): void {
  const unknown = Object.keys(raw).find((key) => !known.includes(key));
  if (unknown !== undefined) fail([...at, unknown], `${what} has no key \`${unknown}\`; it takes ${known.map((k) => `\`${k}\``).join(', ')}.`);
}

function readFailure<T extends string>(value: unknown, allowed: readonly T[], fallback: T, at: Path, fail: Fail): T {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) fail(at, `\`onFailure\` must be ${allowed.join(', ').replace(/, ([^,]+)$/, ' or $1')}, not ${JSON.stringify(value)}.`);
  return value as T;
}

/**
 * Reads `checklist:` of a production environment:
 *
 *     checklist:
 *       stagingLogs: { onFailure: warn, patterns: ['\bERROR\b'], maxLines: 2000 }
 *       smoke: [{ path: /api/health, status: 200 }, { path: /, onFailure: warn }]
 *       smokeTimeoutSeconds: 10
 */
export function readChecklist(raw: unknown, at: Path, sub: (value: unknown) => unknown, fail: Fail): ChecklistConfig {
  if (!isMap(raw)) fail(at, '`checklist` must be a mapping (stagingLogs, smoke, smokeTimeoutSeconds).');
  const block = raw as Record<string, unknown>;
  rejectUnknownKeys(block, ['stagingLogs', 'smoke', 'smokeTimeoutSeconds'], at, '`checklist`', fail);
  return {
    stagingLogs: readStagingLogs(block.stagingLogs, [...at, 'stagingLogs'], sub, fail),
    smoke: readSmoke(block.smoke, [...at, 'smoke'], sub, fail),
    smokeTimeoutSeconds: readPositive(block.smokeTimeoutSeconds, DEFAULTS.smokeTimeoutSeconds, [...at, 'smokeTimeoutSeconds'], '`smokeTimeoutSeconds` must be a positive number of seconds.', sub, fail),
  };
}

function readPositive(value: unknown, fallback: number, at: Path, what: string, sub: (value: unknown) => unknown, fail: Fail, whole = false): number {
  if (value === undefined || value === null) return fallback;
  const number = Number(sub(value));
  if (!Number.isFinite(number) || number <= 0 || (whole && !Number.isInteger(number))) fail(at, what);
  return number;
}

function readStagingLogs(raw: unknown, at: Path, sub: (value: unknown) => unknown, fail: Fail): ChecklistConfig['stagingLogs'] {
  if (raw === undefined || raw === null) return DEFAULTS.stagingLogs;
  if (!isMap(raw)) fail(at, '`stagingLogs` must be a mapping (onFailure, patterns, maxLines).');
  const block = raw as Record<string, unknown>;
  rejectUnknownKeys(block, ['onFailure', 'patterns', 'maxLines'], at, '`stagingLogs`', fail);
  let patterns = [...DEFAULT_LOG_PATTERNS];
  if (block.patterns !== undefined && block.patterns !== null) {
    if (!Array.isArray(block.patterns) || block.patterns.length === 0) fail([...at, 'patterns'], '`stagingLogs.patterns` must be a non-empty list of regular expressions.');
    patterns = (block.patterns as unknown[]).map((raw, index) => {
      // Compose interpolates x- fields too: a pattern's `$` is written `$$`, as Compose wants it
      const pattern = typeof raw === 'string' ? sub(raw) : raw;
      if (typeof pattern !== 'string' || !pattern) fail([...at, 'patterns', index], `log pattern ${JSON.stringify(raw)} must be a non-empty string.`);
      try {
        new RegExp(pattern as string);
      } catch (error) {
        fail([...at, 'patterns', index], `log pattern ${JSON.stringify(pattern)} is not a valid regular expression (${(error as Error).message}).`);
      }
      return pattern as string;
    });
  }
  return {
    onFailure: readFailure(block.onFailure, ['warn', 'refuse', 'off'] as const, 'warn', [...at, 'onFailure'], fail),
    patterns,
    maxLines: readPositive(block.maxLines, DEFAULTS.stagingLogs.maxLines, [...at, 'maxLines'], '`stagingLogs.maxLines` must be a whole number of at least 1.', sub, fail, true),
  };
}

function readSmoke(raw: unknown, at: Path, sub: (value: unknown) => unknown, fail: Fail): SmokeCheck[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) fail(at, '`smoke` must be a list of paths to request on staging, e.g. `- { path: /api/health, status: 200 }`.');
  return (raw as unknown[]).map((entry, index) => readSmokeCheck(entry, [...at, index], sub, fail));
}

function readSmokeCheck(raw: unknown, at: Path, sub: (value: unknown) => unknown, fail: Fail): SmokeCheck {
  // `- /login` is short for `- { path: /login }`
  const entry = typeof raw === 'string' ? { path: raw } : raw;
  if (!isMap(entry)) fail(at, 'a smoke check must be a path or a mapping (path, status, onFailure).');
  const check = entry as Record<string, unknown>;
  rejectUnknownKeys(check, ['path', 'status', 'onFailure'], at, 'a smoke check', fail);
  const pathText = typeof check.path === 'string' ? String(sub(check.path)) : undefined;
  // `//host/…` would be a request to another host: only paths on staging's own origin
  if (!pathText || !pathText.startsWith('/') || pathText.startsWith('//') || /[\s\\]/.test(pathText)) {
    fail([...at, 'path'], `smoke \`path\` must be a path on staging's url starting with one /, like /api/health, not ${JSON.stringify(check.path)}.`);
  }
  let status: number | undefined;
  if (check.status !== undefined && check.status !== null) {
    status = Number(sub(check.status));
    if (!Number.isInteger(status) || status < 100 || status > 599) fail([...at, 'status'], `smoke \`status\` must be an HTTP status code (100–599), not ${JSON.stringify(check.status)}.`);
  }
  return { path: pathText!, status, onFailure: readFailure<CheckFailure>(check.onFailure, ['warn', 'refuse'] as const, 'refuse', [...at, 'onFailure'], fail) };
}

/** Smoke checks need a staging url to send them to: http or https. */
export function assertSmokeTarget(environments: readonly Environment[], fail: Fail): void {
  for (const environment of environments) {
    if (!environment.checklist) continue;
    const at = ['x-dual-env', 'environments', environment.name, 'checklist'];
    if (!environment.isProduction) fail(at, `\`checklist\` runs before a production deploy; move it from \`${environment.name}\` to the production environment.`);
    if (environment.checklist.smoke.length === 0) continue;
    const staging = environments.find((e) => !e.isProduction);
    if (!staging?.url || !/^https?:\/\/[^/]/i.test(staging.url)) {
      fail([...at, 'smoke'], `smoke checks are sent to staging's \`url\`, and ${staging ? `${staging.name} has no http or https url` : 'there is no staging environment'}; add one.`);
    }
  }
}
