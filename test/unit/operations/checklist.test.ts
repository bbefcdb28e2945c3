import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CancelledError } from '../../../src/core/common/errors';
import { DEFAULT_LOG_PATTERNS } from '../../../src/core/config';
import {
  checklistLine, errorLineMatcher, outcomeOf, refusalMessage, smokeItem, stagingHealthItem, stagingLogsItem, type LogScan,
} from '../../../src/core/operations/checklist';
import { runSmokeChecks } from '../../../src/core/operations/smokeRequests';

describe('pre-production checklist items', () => {
  it('a failure warns or refuses as configured; a pass is a pass either way', () => {
    assert.deepEqual([outcomeOf(true, 'refuse'), outcomeOf(true, 'warn'), outcomeOf(false, 'warn'), outcomeOf(false, 'refuse')], ['passed', 'passed', 'warned', 'refused']);
  });

  it('staging health: passes on this commit, else carries the staging-first problem', () => {
    assert.deepEqual(stagingHealthItem('Staging', 'abc1234', undefined, 'refuse'), { check: 'Staging healthy on this commit', outcome: 'passed', detail: 'Staging runs abc1234, every service healthy' });
    assert.deepEqual(stagingHealthItem('Staging', 'abc1234', 'Commit abc1234 has not been deployed to Staging', 'warn').outcome, 'warned');
  });

  it('the default patterns find ERROR, FATAL and unhandled rejections, not words that merely contain them', () => {
    const isError = errorLineMatcher(DEFAULT_LOG_PATTERNS);
    const lines = ['2026-01-01 ERROR cannot reach mail server', 'FATAL: out of memory', '(node:1) UnhandledPromiseRejectionWarning: boom', 'ERRORS_TOTAL=0', 'error handling ready', 'GET /api/health 200'];
    assert.deepEqual(lines.filter(isError), lines.slice(0, 3));
  });

  it('log errors: shows the first three lines found, cut short, and how many more; an unreadable log fails the check', () => {
    const scan: LogScan = {
      since: '2026-01-01T00:00:00.000Z', linesRead: 40, capped: false,
      matches: [1, 2, 3, 4, 5].map((n) => ({ service: 'staging-backend', text: `ERROR number ${n} ${n === 1 ? 'x'.repeat(300) : ''}` })),
    };
    const item = stagingLogsItem('Staging', scan, 'warn');
    assert.equal(item.outcome, 'warned');
    assert.equal(item.check, 'No error lines in Staging\'s logs');
    assert.match(item.detail, /^5 of 40 line\(s\) since its last deploy \(2026-01-01T00:00:00\.000Z\): staging-backend: ERROR number 1 x+…; staging-backend: ERROR number 2; staging-backend: ERROR number 3; and 2 more$/);
    assert.ok(item.detail.length < 500);
    assert.deepEqual(stagingLogsItem('Staging', { ...scan, matches: [], since: undefined, capped: true }, 'refuse'), {
      check: 'No error lines in Staging\'s logs', outcome: 'passed', detail: 'none in 40 line(s) since its containers started, the newest lines of each container',
    });
    assert.equal(stagingLogsItem('Staging', { ...scan, matches: [], error: 'The Docker engine at x does not answer.' }, 'refuse').outcome, 'refused');
  });

  it('smoke: the expected status, or any 2xx when none is given', () => {
    assert.equal(smokeItem({ check: { path: '/login', onFailure: 'refuse' }, status: 204 }).outcome, 'passed');
    assert.equal(smokeItem({ check: { path: '/login', onFailure: 'refuse' }, status: 404 }).outcome, 'refused');
    assert.deepEqual(smokeItem({ check: { path: '/gone', status: 410, onFailure: 'warn' }, status: 200 }), { check: 'GET /gone → 410', outcome: 'warned', detail: 'answered 200' });
    assert.deepEqual(smokeItem({ check: { path: '/x', onFailure: 'refuse' }, error: 'no answer within 1 s' }), { check: 'GET /x → 2xx', outcome: 'refused', detail: 'no answer within 1 s' });
  });

  it('one line per item, the result first; the refusal names every refusing check', () => {
    const items = [
      { check: 'Staging healthy on this commit', outcome: 'passed' as const, detail: 'fine' },
      { check: 'GET /login → 2xx', outcome: 'refused' as const, detail: 'answered 404' },
      { check: 'GET /api → 2xx', outcome: 'refused' as const, detail: 'answered 500' },
    ];
    assert.deepEqual(items.map(checklistLine), ['passed   Staging healthy on this commit: fine', 'REFUSED  GET /login → 2xx: answered 404', 'REFUSED  GET /api → 2xx: answered 500']);
    assert.equal(refusalMessage(items), 'The pre-production checklist refuses the deploy: GET /login → 2xx (answered 404); GET /api → 2xx (answered 500); production was not changed.');
  });
});

describe('smoke requests against a real HTTP server', () => {
  let server: http.Server;
  let base: string;
  const requested: string[] = [];
  before(async () => {
    server = http.createServer((request, response) => {
      requested.push(request.url ?? '');
      if (request.url === '/ok') return response.writeHead(200).end('fine');
      if (request.url === '/moved') return response.writeHead(302, { location: '/ok' }).end();
      if (request.url === '/away') return response.writeHead(301, { location: 'http://example.invalid/' }).end();
      if (request.url === '/loop') return response.writeHead(302, { location: '/loop' }).end();
      if (request.url === '/slow') return; // never answers
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => { server.closeAllConnections(); server.close(); });

  const check = (path: string, status?: number) => ({ path, status, onFailure: 'refuse' as const });

  it('gets each path, follows redirects on staging only, and a timeout is the check\'s result', async () => {
    const results = await runSmokeChecks(`${base}/`, [check('/ok', 200), check('/missing'), check('/moved'), check('/moved', 302), check('/away'), check('/loop'), check('/slow')], { timeoutMs: 300, signal: new AbortController().signal });
    assert.deepEqual(results.map((r) => [r.check.path, r.status, r.error]), [
      ['/ok', 200, undefined],
      ['/missing', 404, undefined],
      ['/moved', 200, undefined],
      ['/moved', 302, undefined],
      ['/away', 301, 'answered 301, a redirect off staging to http://example.invalid, not followed'],
      ['/loop', 302, 'answered 302 after 5 redirects'],
      ['/slow', undefined, 'no answer within 0.3 s'],
    ]);
    assert.ok(!requested.some((url) => url.includes('example')));
  });

  it('says so when nothing listens, and joins paths to a url with a path prefix', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const [refused] = await runSmokeChecks(`http://127.0.0.1:${port}`, [check('/ok')], { timeoutMs: 2000, signal: new AbortController().signal });
    assert.equal(refused.error, 'the request failed (ECONNREFUSED)');
    requested.length = 0;
    await runSmokeChecks(`${base}/app/`, [check('/ok')], { timeoutMs: 2000, signal: new AbortController().signal });
    assert.deepEqual(requested, ['/app/ok']);
  });

  it('a cancel is a cancel, not a failed check', async () => {
    const cancel = new AbortController();
    const pending = runSmokeChecks(base, [check('/slow')], { timeoutMs: 10_000, signal: cancel.signal });
    setImmediate(() => cancel.abort());
    await assert.rejects(pending, CancelledError);
  });
});
