import type { Environment } from '../../../src/core/config/model';
import type { ContainerStatus, EnvironmentStatus } from '../../../src/extension/model';

export function environment(name: 'staging' | 'production'): Environment {
  const production = name === 'production';
  return {
    name,
    label: production ? 'Production' : 'Staging',
    isProduction: production,
    services: ['frontend', 'backend', 'database'].map((role) => `${name}-${role}`),
    url: production ? 'http://127.0.0.1:80' : 'http://127.0.0.1:8080',
    branchPattern: production ? 'stable/prisma-mysql-*' : '*',
    requireStagingFirst: production,
    backups: { folder: `/tmp/backups/${name}`, retention: 10 },
    healthTimeoutSeconds: 120,
  };
}

export function container(service: string, fields: Partial<ContainerStatus> = {}): ContainerStatus {
  return {
    service,
    containerId: `${service}-0123456789abcdef`,
    name: `dual-env_${service}_1`,
    state: 'running',
    health: 'healthy',
    restartCount: 0,
    ports: [],
    image: `wms/${service}:latest`,
    startedAt: '2026-11-25T12:00:00Z',
    ...fields,
  };
}

/** A status whose containers are healthy except those given. */
export function status(name: 'staging' | 'production', health: EnvironmentStatus['health'], overrides: Record<string, Partial<ContainerStatus>> = {}): EnvironmentStatus {
  return {
    environment: name,
    health,
    reason: health === 'healthy' ? 'All 3 services are running and healthy.' : 'Something is not well.',
    containers: environment(name).services.map((service) => container(service, overrides[service])),
  };
}
