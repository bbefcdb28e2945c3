// An untrusted compose file's url: is opened only when it is a web page.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserUrl, browserUrlProblem } from '../../../src/extension/browserUrl';
import { environmentActionsFor, environmentChoice, withUrl } from '../../../src/extension/environmentChoice';
import { environment } from './fixtures';

const staging = (url: string | undefined) => ({ ...environment('staging'), url });

describe('browserUrl', () => {
  it('opens http and https addresses', () => {
    assert.equal(browserUrl(staging('http://127.0.0.1:8080')), 'http://127.0.0.1:8080/');
    assert.equal(browserUrl(staging('HTTPS://wms.example.com/app')), 'https://wms.example.com/app');
  });

  it('refuses any other scheme in one sentence that does not repeat the url', () => {
    for (const url of ['file:///etc/passwd', 'command:workbench.action.terminal.new', 'vscode://ms-vscode.remote/x', 'javascript:alert(1)', 'ftp://user:hunter22@host/']) {
      assert.throws(() => browserUrl(staging(url)), { message: "Staging's url in x-dual-env is not an http or https address, so it is not opened." }, url);
    }
    assert.equal(browserUrlProblem(staging('not a url')), "Staging's url in x-dual-env is not a valid address, so it is not opened.");
    assert.equal(browserUrlProblem(staging(undefined)), 'Staging declares no url in x-dual-env, so there is nothing to open in the browser.');
  });

  it('keeps Open in Browser off the actions of an environment whose url is not a web page', () => {
    assert.throws(() => environmentChoice([staging('file:///etc/passwd')], 'staging', withUrl), /not an http or https address/);
    assert.ok(!environmentActionsFor(staging('command:x')).some((action) => action.command === 'dualEnv.openInBrowser'));
    assert.ok(environmentActionsFor(staging('http://127.0.0.1:8080')).some((action) => action.command === 'dualEnv.openInBrowser'));
  });
});
