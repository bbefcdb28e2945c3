import type { Connection } from './connection';
import { stripDefiner } from './sqlText';

/** MySQL's and MariaDB's ER_SPECIFIC_ACCESS_DENIED_ERROR: here, the right to name another account as DEFINER. */
const ACCESS_DENIED = 1227;

/**
 * Creates one view, routine, trigger or event as the dump wrote it, DEFINER
 * and all. An account that may not name another definer (SET_USER_ID, SUPER)
 * creates it as its own instead; the object is named in the returned
 * sentence, for the result to say whose it now is.
 */
export async function createObject(connection: Connection, statement: string): Promise<string | undefined> {
  try {
    await connection.query(statement);
    return undefined;
  } catch (error) {
    const withoutDefiner = stripDefiner(statement);
    if ((error as { errno?: number }).errno !== ACCESS_DENIED || withoutDefiner === statement) throw error;
    await connection.query(withoutDefiner);
    const unquote = (text: string) => text.replace(/`((?:[^`]|``)*)`|'((?:[^'\\]|\\.)*)'/g, (_, bq?: string, sq?: string) => (bq ?? '').replace(/``/g, '`') || sq || '');
    const kind = /\b(VIEW|TRIGGER|PROCEDURE|FUNCTION|PACKAGE\s+BODY|PACKAGE|EVENT)\s+(`(?:[^`]|``)+`|\S+)/i.exec(withoutDefiner);
    const definer = /DEFINER\s*=\s*(\S+@\S+)/i.exec(statement)?.[1];
    return `${kind ? `${kind[1].toUpperCase()} ${unquote(kind[2])}` : 'an object'} (was ${definer ? unquote(definer) : 'another account'})`;
  }
}
