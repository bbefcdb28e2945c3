import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type Docker from 'dockerode';
import type { Environment } from '../../../src/core/config';
import { containerStatusOf, summarise, type ContainerStatus } from '../../../src/core/docker/discovery';

const environment = { name: 'staging', label: 'Staging', services: ['staging-frontend', 'staging-backend', 'staging-database'] } as Environment;

function container(service: string, state: ContainerStatus['state'], health: ContainerStatus['health']): ContainerStatus {
  return { service, state, health, restartCount: 0, ports: [], image: 'img', containerId: `${service}-id`, name: service };
}

describe('summarise', () => {
  it('is healthy when every service runs healthy or without a healthcheck', () => {
    const status = summarise(environment, [
      container('staging-frontend', 'running', 'healthy'),
      container('staging-backend', 'running', 'none'),
      container('staging-database', 'running', 'healthy'),
    ]);
    assert.equal(status.health, 'healthy');
    assert.match(status.reason, /All 3 services/);
  });

  it('is degraded and names the service when one is stopped, unhealthy or missing', () => {
    const status = summarise(environment, [
      container('staging-frontend', 'running', 'healthy'),
      container('staging-backend', 'exited', 'none'),
      { ...container('staging-database', 'running', 'unhealthy'), healthLog: 'connection refused' },
    ]);
    assert.equal(status.health, 'degraded');
    assert.equal(status.reason, 'staging-backend is exited; staging-database is unhealthy (connection refused).');
    const missing = summarise(environment, [container('staging-frontend', 'running', 'healthy'), container('staging-backend', 'running', 'starting')]);
    assert.equal(missing.health, 'degraded');
    assert.match(missing.reason, /staging-backend is starting .*staging-database has no container/);
    assert.deepEqual(missing.containers.map((c) => c.state), ['running', 'running', 'missing']);
  });

  it('is down when nothing runs', () => {
    const status = summarise(environment, [container('staging-frontend', 'exited', 'none')]);
    assert.equal(status.health, 'down');
    assert.match(status.reason, /nothing is running\.$/);
    const empty = summarise(environment, []);
    assert.equal(empty.health, 'down');
    assert.equal(empty.reason, 'None of the 3 services has a container; deploy the environment or start it with compose up.');
  });

  it('counts a service as serving when one of its containers does (a recreation in progress)', () => {
    const status = summarise(environment, [
      container('staging-frontend', 'running', 'healthy'),
      container('staging-frontend', 'exited', 'none'),
      container('staging-backend', 'running', 'healthy'),
      container('staging-database', 'running', 'healthy'),
    ]);
    assert.equal(status.health, 'healthy');
    assert.equal(status.containers.length, 4);
  });
});

describe('containerStatusOf', () => {
  it('reads state, health, restarts, published ports and the failing probe from an inspect answer', () => {
    const info = {
      Id: 'abc', Name: '/wms_staging-backend_1', Image: 'sha256:1', RestartCount: 2,
      Config: { Image: 'wms-backend:staging', Labels: { 'com.docker.compose.service': 'staging-backend' } },
      State: { Status: 'running', StartedAt: '2026-11-25T10:00:00Z', Health: { Status: 'unhealthy', Log: [{ Output: 'ok\n' }, { Output: 'ECONNREFUSED\n' }] } },
      NetworkSettings: { Ports: { '5000/tcp': [{ HostIp: '127.0.0.1', HostPort: '15001' }], '9229/tcp': null } },
    } as unknown as Docker.ContainerInspectInfo;
    assert.deepEqual(containerStatusOf(info), {
      service: 'staging-backend', containerId: 'abc', name: 'wms_staging-backend_1', state: 'running', health: 'unhealthy',
      restartCount: 2, ports: [{ hostIp: '127.0.0.1', hostPort: 15001, containerPort: 5000, protocol: 'tcp' }],
      image: 'wms-backend:staging', imageId: 'sha256:1', startedAt: '2026-11-25T10:00:00Z', healthLog: 'ECONNREFUSED',
    });
  });
});
