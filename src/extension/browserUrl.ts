// Which `url:` of x-dual-env may be opened in the browser. Pure: unit-tested under Node.
import type { Environment } from '../core/config/model';
import { l10n } from './l10n';

const WEB_SCHEMES = new Set(['http:', 'https:']);

/**
 * Why an environment's url must not be opened, or undefined when it may. The
 * compose file may come from anyone, and openExternal hands a `file:`,
 * `command:` or `vscode:` URL to whatever handles it; only web pages are opened.
 * The sentence never repeats the url, which may carry a password.
 */
export function browserUrlProblem(environment: Pick<Environment, 'label' | 'url'>): string | undefined {
  if (!environment.url) return l10n.t('{0} declares no url in x-dual-env, so there is nothing to open in the browser.', environment.label);
  let scheme: string;
  try {
    scheme = new URL(environment.url).protocol;
  } catch {
    return l10n.t('{0}\'s url in x-dual-env is not a valid address, so it is not opened.', environment.label);
  }
  return WEB_SCHEMES.has(scheme) ? undefined : l10n.t('{0}\'s url in x-dual-env is not an http or https address, so it is not opened.', environment.label);
}

/** The environment's url to open, or an Error saying why it is not opened. */
export function browserUrl(environment: Pick<Environment, 'label' | 'url'>): string {
  const problem = browserUrlProblem(environment);
  if (problem) throw new Error(problem);
  return new URL(environment.url!).href;
}
