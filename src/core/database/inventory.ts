import { rowsOf, type Connection } from './connection';

/** One object the server says a database holds: `TABLE orders`, `VIEW totals`, `PACKAGE BODY pricing`. */
export type InventoryEntry = `${string} ${string}`;

/** How information_schema names each kind of table a backup writes. */
const TABLE_KINDS: Record<string, string> = { 'BASE TABLE': 'TABLE', 'SYSTEM VERSIONED': 'TABLE', SEQUENCE: 'SEQUENCE', VIEW: 'VIEW' };

/**
 * Everything the server lists for a database: tables of every type, routines
 * of every type, triggers and events. Read on the backup's own snapshot
 * connection, after it listed what it writes.
 */
export async function readInventory(connection: Connection, database: string): Promise<InventoryEntry[]> {
  const rows = await rowsOf<{ kind: string; name: string }>(connection, `
    SELECT TABLE_TYPE AS kind, TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?
    UNION ALL SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?
    UNION ALL SELECT 'TRIGGER', TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?
    UNION ALL SELECT 'EVENT', EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?`, [database, database, database, database]);
  return rows.map((r) => `${TABLE_KINDS[r.kind] ?? r.kind} ${r.name}` as InventoryEntry);
}

/**
 * What the server holds that the backup did not write, in the server's words
 * (`TEMPORARY t`, `PACKAGE BODY p`): a backup that cannot account for every
 * object must fail, never pass as verified.
 */
export function missingFromBackup(inventory: readonly InventoryEntry[], written: readonly InventoryEntry[]): InventoryEntry[] {
  const have = new Set(written);
  return inventory.filter((entry) => !have.has(entry));
}
