import type Docker from 'dockerode';
import { PROJECT_LABEL, SERVICE_LABEL } from '../../src/core/docker/discovery';

export interface FakeHealth {
  status: 'healthy' | 'unhealthy';
  /** What the last probe printed. */
  probeOutput?: string;
}

/**
 * A Docker engine answering only what status reads ask: the list of a project's
 * containers and their inspect, every given service running (healthy unless told).
 */
export function fakeEngineRunning(projectName: string, services: readonly string[], health: FakeHealth = { status: 'healthy' }): Docker {
  const id = (service: string) => `${service}-id`;
  return {
    listContainers: async () => services.map((service) => ({ Id: id(service), Labels: { [PROJECT_LABEL]: projectName, [SERVICE_LABEL]: service } })),
    getContainer: (containerId: string) => ({
      inspect: async () => {
        const service = services.find((s) => id(s) === containerId)!;
        return {
          Id: containerId, Name: `/${projectName}-${service}-1`, Image: 'sha256:0', RestartCount: 0,
          Config: { Image: `${service}:latest`, Labels: { [PROJECT_LABEL]: projectName, [SERVICE_LABEL]: service } },
          State: { Status: 'running', Health: { Status: health.status, Log: [{ Output: health.probeOutput ?? '' }] }, StartedAt: '2026-01-01T00:00:00Z' },
          NetworkSettings: { Ports: {} },
        };
      },
    }),
  } as unknown as Docker;
}
