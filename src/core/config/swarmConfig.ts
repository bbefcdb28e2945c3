import type { SwarmConfig } from './model';

type Path = readonly (string | number)[];

/** Docker's stack names become service and network name prefixes: the characters Compose allows in project names. */
const STACK_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const KEYS = ['stack'];

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
  return { stack };
}
