'use strict';
// Sample backend of the Dual Env reference stack. No npm dependencies on purpose:
// the image builds offline from any Node base image.
const http = require('node:http');
const net = require('node:net');
const fs = require('node:fs');
const path = require('node:path');

const env = process.env;
const port = Number(env.PORT || 5000);
const environment = env.APP_ENV || 'development';
const uploadsDir = path.resolve(env.UPLOADS_DIR || '/app/uploads');
const startedAt = new Date().toISOString();

/** The database counts as up when its port accepts a connection. */
function databaseReachable(timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: env.DB_HOST || '127.0.0.1', port: Number(env.DB_PORT || 3306) });
    const done = (ok) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'x-environment': environment });
  res.end(JSON.stringify(body));
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/api/health') {
    const database = await databaseReachable();
    return sendJson(res, database ? 200 : 503, {
      status: database ? 'ok' : 'degraded', environment, database: database ? 'reachable' : 'unreachable',
    });
  }
  if (url.pathname === '/api/version') {
    return sendJson(res, 200, {
      environment, version: env.APP_VERSION || '0.0.0', commit: env.GIT_COMMIT || 'unknown', startedAt,
    });
  }
  if (url.pathname.startsWith('/uploads/')) {
    const file = path.resolve(uploadsDir, '.' + decodeURIComponent(url.pathname.slice('/uploads'.length)));
    if (!file.startsWith(uploadsDir + path.sep)) return sendJson(res, 400, { error: 'bad path' });
    return fs.createReadStream(file)
      .once('error', () => sendJson(res, 404, { error: 'not found' }))
      .once('open', () => res.writeHead(200, { 'x-environment': environment }))
      .pipe(res);
  }
  return sendJson(res, 404, { error: 'not found' });
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => sendJson(res, 500, { error: String(error && error.message) }));
});
server.listen(port, () => console.log(`wms-backend (${environment}) listening on ${port}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
