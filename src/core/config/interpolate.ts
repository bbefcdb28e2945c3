import fs from 'node:fs';

/** Thrown for `${VAR:?message}` when VAR is unset or empty (Compose's own rule). */
export class MissingVariableError extends Error {
  constructor(readonly variable: string, readonly detail: string) {
    super(detail ? `${variable}: ${detail}` : `${variable} is not set`);
  }
}

/**
 * Compose's variable substitution: $VAR, ${VAR}, ${VAR:-default}, ${VAR-default},
 * ${VAR:?error}, ${VAR?error}, ${VAR:+alt}, ${VAR+alt}, and $$ for a literal $.
 */
export function interpolate(text: string, variables: Readonly<Record<string, string>>, strict = false): string {
  return text.replace(/\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_match, dollar: string, braced?: string, operator?: string, argument = '', bare?: string) => {
      if (dollar === '$') return '$';
      const name = (braced ?? bare) as string;
      const value = variables[name];
      const set = value !== undefined;
      const nonEmpty = set && value !== '';
      const arg = () => interpolate(argument, variables, strict);
      switch (operator) {
        case ':-': return nonEmpty ? value : arg();
        case '-': return set ? value : arg();
        case ':+': return nonEmpty ? arg() : '';
        case '+': return set ? arg() : '';
        case ':?':
        case '?':
          if (operator === ':?' ? nonEmpty : set) return value;
          if (strict) throw new MissingVariableError(name, arg());
          return '';
        default: return value ?? '';
      }
    });
}

/** Parses a .env file as Compose does: KEY=VALUE lines, # comments, optional quotes. */
export function parseDotEnv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2];
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    values[match[1]] = value;
  }
  return values;
}

/** .env beside the compose file, overridden by the process environment (Compose's precedence). */
export function loadVariables(dotEnvPath: string, processEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const fromFile = fs.existsSync(dotEnvPath) ? parseDotEnv(fs.readFileSync(dotEnvPath, 'utf8')) : {};
  const fromProcess = Object.fromEntries(Object.entries(processEnv).filter((e): e is [string, string] => e[1] !== undefined));
  return { ...fromFile, ...fromProcess };
}
