// What the adapter shows beside the engine's live status.
export type { ContainerPort, ContainerStatus, EnvironmentHealth, EnvironmentStatus } from '../core/docker/discovery';

/** The last successful deploy of an environment, as the deploy history records it. */
export interface LastDeploy {
  commit?: string;
  branch?: string;
  /** ISO 8601. */
  finishedAt: string;
}
