import type { EdgeConfig } from './model';

type Path = readonly (string | number)[];

const KEYS = ['service', 'fronts'];

/**
 * An environment's `edge:` block: the nginx service that owns its published ports and
 * which app services it routes to, so a deploy can switch each of them to its new
 * container only once that one is healthy. Strict, since a misspelt key or service
 * that is ignored would let requests reach a new version before its health check passes.
 */
export function readEdge(raw: unknown, at: Path, environment: string, environmentServices: readonly string[], fail: (at: Path, what: string) => never): EdgeConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    fail(at, '`edge` must be a mapping that names the edge service and the services it fronts (`edge: { service: edge, fronts: [web, api] }`).');
  }
  const block = raw as Record<string, unknown>;
  for (const key of Object.keys(block)) {
    if (!KEYS.includes(key)) fail([...at, key], `\`edge.${key}\` is not an edge setting; the block takes ${KEYS.map((k) => `\`${k}\``).join(', ')}.`);
  }
  if (typeof block.service !== 'string' || block.service === '') fail([...at, 'service'], '`edge.service` is required: the service that owns the published ports.');
  const service = block.service as string;
  if (!environmentServices.includes(service)) fail([...at, 'service'], `\`edge.service\` names \`${service}\`, which is not one of environment \`${environment}\`'s services.`);
  if (!Array.isArray(block.fronts) || block.fronts.length === 0) fail([...at, 'fronts'], '`edge.fronts` must be a non-empty list of the services the edge routes requests to.');
  const fronts = (block.fronts as unknown[]).map((entry, index) => {
    if (typeof entry !== 'string') fail([...at, 'fronts', index], `\`edge.fronts\` takes service names, not ${JSON.stringify(entry)}.`);
    if (!environmentServices.includes(entry)) fail([...at, 'fronts', index], `\`edge.fronts\` names \`${entry}\`, which is not one of environment \`${environment}\`'s services.`);
    if (entry === service) fail([...at, 'fronts', index], `\`edge.fronts\` names the edge \`${service}\` itself.`);
    return entry;
  });
  const twice = fronts.find((entry, index) => fronts.indexOf(entry) !== index);
  if (twice) fail([...at, 'fronts'], `\`edge.fronts\` names \`${twice}\` twice.`);
  return { service, fronts };
}
