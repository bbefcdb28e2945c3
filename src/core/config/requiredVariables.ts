import { parseDocument } from 'yaml';

/** `${NAME:?…}` (set and not empty) or `${NAME?…}` (set), past any `$$` escape. */
const REQUIRED = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(:?)\?)/g;

function strings(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') found.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, found);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) strings(item, found);
  return found;
}

/**
 * The variables a compose file requires (`${NAME:?…}`, `${NAME?…}`) that `variables`
 * does not give as required, in the order the file first names them. Only the file's
 * values count, as for Compose: a comment naming one is no requirement.
 */
export function requiredButUnset(composeText: string, variables: Readonly<Record<string, string | undefined>>): string[] {
  const missing = new Set<string>();
  for (const text of strings(parseDocument(composeText).toJS({ maxAliasCount: 1000 }))) {
    for (const [, name, colon] of text.matchAll(REQUIRED)) {
      if (!name) continue;
      const value = variables[name];
      if (value === undefined || (colon && value === '')) missing.add(name);
    }
  }
  return [...missing];
}
