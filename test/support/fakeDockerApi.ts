// A Docker Engine API on a unix socket that answers just what the log follower
// asks (list, inspect, logs, events), so dockerode's real HTTP client runs
// against it without Docker.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { PROJECT_LABEL, SERVICE_LABEL } from '../../src/core/docker/discovery';

export type LogsHandler = (query: URLSearchParams, response: http.ServerResponse, request: number) => void;

export interface FakeDockerApi {
  docker: Docker;
  close(): Promise<void>;
}

/** A log frame of a non-TTY container: stream type, three zero bytes, big-endian size, payload. */
export function logFrame(stream: 'stdout' | 'stderr', timestamp: string, text: string): Buffer {
  const payload = Buffer.from(`${timestamp} ${text}\n`);
  const header = Buffer.alloc(8);
  header[0] = stream === 'stderr' ? 2 : 1;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** One project with one running container of `service`, whose log requests go to `onLogs` (numbered from 1). */
export async function startFakeDockerApi(projectName: string, service: string, onLogs: LogsHandler): Promise<FakeDockerApi> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-fake-docker-'));
  const socketPath = path.join(dir, 'docker.sock');
  const labels = { [PROJECT_LABEL]: projectName, [SERVICE_LABEL]: service };
  const id = `${service}-id`;
  let logRequests = 0;
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://docker');
    const json = (body: unknown) => { response.writeHead(200, { 'Content-Type': 'application/json' }); response.end(JSON.stringify(body)); };
    if (url.pathname === '/containers/json') return json([{ Id: id, Labels: labels, State: 'running', Created: 1 }]);
    if (url.pathname === `/containers/${id}/json`) {
      return json({ Id: id, Name: `/${projectName}-${service}-1`, State: { Running: true, StartedAt: '2026-01-01T00:00:00Z' }, Config: { Tty: false, Labels: labels } });
    }
    open.add(response);
    response.on('close', () => open.delete(response));
    if (url.pathname === `/containers/${id}/logs`) {
      response.writeHead(200, { 'Content-Type': 'application/vnd.docker.raw-stream' });
      return onLogs(url.searchParams, response, ++logRequests);
    }
    // the event stream stays open and quiet: no container starts
    if (url.pathname === '/events') return response.writeHead(200, { 'Content-Type': 'application/json' }).flushHeaders();
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    docker: new Docker({ socketPath }),
    close: async () => {
      for (const response of open) response.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
