import type { SwarmConfig } from './model';

type Path = readonly (string | number)[];

/** Docker's stack names become service and network name prefixes: the characters Compose allows in project names. */
const STACK_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const KEYS = ['stack', 'registry'];
/**
 * A registry as image references name it: a host (DNS name or IPv4) with a port, or
 * `localhost`; no scheme, path or credentials. A host without a dot or port would be
 * read by Docker as a Docker Hub user name, pushing the images somewhere public.
 */
const REGISTRY = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::(\d{1,5}))?$/;

/**
 * An environment's `swarm:` block: it runs as a Swarm stack on the engine its
 * dockerHost names (a manager). Strict, since a misspelt key that is ignored would
 * deploy with Compose to a Swarm manager.
 */
export function readSwarm(raw: unknown, at: Path, sub: (value: unknown) => unknown, fail: (at: Path, what: string) => never): SwarmConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    fail(at, '`swarm` must be a mapping that names the stack (`swarm: { stack: shop }`).');
  }
  const block = raw as Record<string, unknown>;
  for (const key of Object.keys(block)) {
    if (!KEYS.includes(key)) fail([...at, key], `\`swarm.${key}\` is not a Swarm setting; the block takes ${KEYS.map((k) => `\`${k}\``).join(', ')}.`);
  }
  if (block.stack === undefined || block.stack === null || block.stack === '') fail(at, '`swarm.stack` is required: the name of the stack the environment runs as.');
  if (typeof block.stack !== 'string') fail([...at, 'stack'], `\`swarm.stack\` must be a string, not ${JSON.stringify(block.stack)}.`);
  const stack = String(sub(block.stack));
  if (!STACK_NAME.test(stack)) fail([...at, 'stack'], `\`swarm.stack\` must be lower-case letters, digits, \`-\` and \`_\` (starting with a letter or digit), not ${JSON.stringify(stack)}.`);
  return block.registry === undefined ? { stack } : { stack, registry: readRegistry(block.registry, [...at, 'registry'], sub, fail) };
}

function readRegistry(raw: unknown, at: Path, sub: (value: unknown) => unknown, fail: (at: Path, what: string) => never): string {
  if (typeof raw !== 'string' || raw === '') fail(at, `\`swarm.registry\` must be the registry's host:port (\`registry: 10.0.0.5:5000\`), not ${JSON.stringify(raw)}.`);
  const registry = String(sub(raw));
  const match = REGISTRY.exec(registry);
  const port = match?.[1] === undefined ? undefined : Number(match[1]);
  const readAsRegistry = match && (port !== undefined || registry.includes('.') || registry === 'localhost');
  if (!readAsRegistry || (port !== undefined && (port < 1 || port > 65535))) {
    fail(at, `\`swarm.registry\` must be the host:port the cluster pulls from (a host with a dot or a port, no scheme or path), not ${JSON.stringify(registry)}.`);
  }
  return registry;
}
