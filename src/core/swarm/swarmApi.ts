// What the manager's Engine API answers for Swarm tasks, nodes and services, the parts
// Dual Env reads, and the calls every Swarm module makes the same way.
import type Docker from 'dockerode';
import { callDocker, isApiError } from '../docker/client';

export interface ApiTask {
  ID?: string;
  ServiceID?: string;
  Slot?: number;
  NodeID?: string;
  DesiredState?: string;
  CreatedAt?: string;
  Spec?: { ContainerSpec?: { Image?: string } };
  Status?: { State?: string; Err?: string; ContainerStatus?: { ContainerID?: string } };
}

export interface ApiNode {
  ID?: string;
  Description?: { Hostname?: string };
  Spec?: { Availability?: string };
  Status?: { State?: string; Addr?: string; Message?: string };
}

/** The tasks of the named services (`<stack>_<service>`), every desired state unless `desiredRunning`. */
export async function serviceTasks(docker: Docker, services: readonly string[], options: { desiredRunning?: boolean } = {}): Promise<ApiTask[]> {
  const filters = { service: [...services], ...(options.desiredRunning ? { 'desired-state': ['running'] } : {}) };
  return callDocker(docker, () => docker.listTasks({ filters }) as Promise<ApiTask[]>);
}

/** The swarm's nodes, as the manager knows them. */
export async function swarmNodes(docker: Docker): Promise<ApiNode[]> {
  return callDocker(docker, () => docker.listNodes() as Promise<ApiNode[]>);
}

/** The service's inspection, or undefined when the swarm has no such service (not deployed yet, or removed). */
export async function inspectSwarmService<T>(docker: Docker, name: string): Promise<T | undefined> {
  try {
    return await callDocker(docker, () => docker.getService(name).inspect() as Promise<T>);
  } catch (error) {
    if (isApiError(error) && error.statusCode === 404) return undefined;
    throw error;
  }
}

/** The manager's own node id: the node reached through the environment's dockerHost itself. */
export async function managerNodeId(manager: Docker): Promise<string | undefined> {
  return ((await callDocker(manager, () => manager.info())) as { Swarm?: { NodeID?: string } }).Swarm?.NodeID;
}
