/** SQL text helpers shared by the dump writer and the restore: identifiers, DEFINER clauses. */

/** A backquoted identifier, safe for any name. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/**
 * Removes `DEFINER=user@host` from a CREATE statement, so that whoever restores
 * the dump becomes the definer instead of needing SUPER / SET USER to act as
 * the original one.
 */
export function stripDefiner(statement: string): string {
  return statement.replace(/\sDEFINER\s*=\s*(?:`(?:[^`]|``)*`|'(?:[^'\\]|\\.)*'|[^\s@]+)@(?:`(?:[^`]|``)*`|'(?:[^'\\]|\\.)*'|[^\s]+)/i, '');
}

/** A string literal for the SQL modes / comments the dump writes itself (never row data). */
export function quoteString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
