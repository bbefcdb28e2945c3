import http from 'node:http';
import https from 'node:https';
import { CancelledError } from '../common/errors';
import type { SmokeCheck } from '../config';
import type { SmokeResult } from './checklist';

const MAX_REDIRECTS = 5;

export interface SmokeOptions {
  /** Per check, redirects included. */
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * GETs each path on staging's url, one after the other, and says what answered.
 * Only http and https; redirects are followed on staging's own origin only (a
 * redirect elsewhere fails the check rather than sending a request off staging);
 * the body is never read. A cancel throws; a timeout or refused connection is the
 * check's result.
 */
export async function runSmokeChecks(stagingUrl: string, checks: readonly SmokeCheck[], options: SmokeOptions): Promise<SmokeResult[]> {
  const base = new URL(stagingUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    return checks.map((check) => ({ check, error: `staging's url is not http or https (${base.protocol})` }));
  }
  const results: SmokeResult[] = [];
  for (const check of checks) results.push(await runSmokeCheck(base, check, options));
  return results;
}

async function runSmokeCheck(base: URL, check: SmokeCheck, options: SmokeOptions): Promise<SmokeResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  // the path is joined to the url's own path prefix, if it has one (http://host/app + /api/health)
  let url = new URL(base.pathname.replace(/\/$/, '') + check.path, base.origin);
  const followRedirects = check.status === undefined || check.status < 300 || check.status >= 400;
  try {
    for (let redirects = 0; ; redirects++) {
      const answer = await get(url, signal);
      if (!followRedirects || answer.status < 300 || answer.status >= 400 || !answer.location) return { check, status: answer.status };
      if (redirects === MAX_REDIRECTS) return { check, status: answer.status, error: `answered ${answer.status} after ${MAX_REDIRECTS} redirects` };
      const next = new URL(answer.location, url);
      if (next.origin !== base.origin) return { check, status: answer.status, error: `answered ${answer.status}, a redirect off staging to ${next.origin}, not followed` };
      url = next;
    }
  } catch (error) {
    if (options.signal.aborted) throw new CancelledError();
    if (timeout.aborted) return { check, error: `no answer within ${options.timeoutMs / 1000} s` };
    const code = (error as NodeJS.ErrnoException).code;
    return { check, error: `the request failed (${code ?? (error as Error).message})` };
  }
}

function get(url: URL, signal: AbortSignal): Promise<{ status: number; location?: string }> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, { method: 'GET', signal, headers: { 'user-agent': 'dual-env pre-production checklist', accept: '*/*' } }, (response) => {
      // only the status matters: the body is not read
      response.destroy();
      resolve({ status: response.statusCode ?? 0, location: response.headers.location });
    });
    request.once('error', reject);
    request.end();
  });
}
