// What the adapter shows, as plain data: the shape of the engine's live status.
// FIXME issue 3: import these from src/core/docker/discovery once it is on main.

export type ContainerState = 'running' | 'exited' | 'restarting' | 'paused' | 'created' | 'dead' | 'missing';
export type ContainerHealth = 'healthy' | 'unhealthy' | 'starting' | 'none';
export type EnvironmentHealth = 'healthy' | 'degraded' | 'down' | 'unknown';

export interface ContainerPort {
  hostIp?: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
}

export interface ContainerStatus {
  service: string;
  containerId?: string;
  name?: string;
  state: ContainerState;
  health: ContainerHealth;
  restartCount: number;
  ports: ContainerPort[];
  image: string;
  startedAt?: string;
  healthLog?: string;
}

export interface EnvironmentStatus {
  environment: string;
  health: EnvironmentHealth;
  reason: string;
  containers: ContainerStatus[];
}

/** The last successful deploy of an environment, as the deploy history records it. */
export interface LastDeploy {
  commit?: string;
  branch?: string;
  /** ISO 8601. */
  finishedAt: string;
}
