/**
 * How to reach a swarm node's own engine, given how the manager is reached and the
 * address the swarm knows the node by: the same scheme, user and port at the node's
 * address (a cluster's nodes share their SSH set-up far more often than not).
 * Undefined for a manager on a local socket: nothing says how to reach the others.
 *
 * Why reach nodes at all: the Engine API sends no task events, and a manager's
 * events say nothing when a task on a worker dies; the worker's container events do.
 */
export function nodeDockerHost(managerHost: string, address: string): string | undefined {
  let url: URL;
  try {
    url = new URL(managerHost);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'ssh:' && url.protocol !== 'tcp:') return undefined;
  const host = address.includes(':') ? `[${address}]` : address;
  const user = url.username ? `${url.username}@` : '';
  return `${url.protocol}//${url.protocol === 'ssh:' ? user : ''}${host}${url.port ? `:${url.port}` : ''}`;
}
