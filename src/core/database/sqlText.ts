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

/** What a comment line writes for one character: control characters and `\` escaped, the rest as is. */
function commentCharacter(character: string): string {
  const code = character.codePointAt(0)!;
  if (character === '\\') return '\\\\';
  if (code < 0x20 || code === 0x7f || code === 0x85) return `\\x${code.toString(16).padStart(2, '0')}`;
  // line breaks to some editors and tools, if not to the mysql client
  if (code === 0x2028 || code === 0x2029) return `\\u${code.toString(16)}`;
  return character;
}

/**
 * A `-- ` comment line holding any text: a line break in a table's name (or a
 * server's version string) would end the comment, and the rest of the name
 * would run as SQL when the dump is loaded. Control characters are written as
 * `\xNN` (and `\` as `\\`, so the text stays readable without ambiguity).
 */
export function commentLine(text: string): string {
  return `-- ${[...text].map(commentCharacter).join('')}`;
}
