import { quoteIdentifier } from './sqlText';
import { rowsOf, type Connection } from './connection';
import { valueKindOf, type ValueKind } from './valueEncoding';

export interface ColumnInfo {
  name: string;
  kind: ValueKind;
  /** A utf8mb4/utf8mb3 column: a value that is not valid UTF-8 could never be loaded back. */
  utf8: boolean;
}

export interface TableInfo {
  name: string;
  /** Columns holding values, in table order; generated columns are left out (the server computes them). */
  columns: ColumnInfo[];
  /** The server's estimate, for progress only. */
  estimatedRows: number;
  estimatedBytes: number;
  /** Columns of the primary key in key order; empty when the table has none. */
  primaryKey: string[];
  /** System-versioned (MariaDB): read FOR SYSTEM_TIME ALL, its period columns among the values, loaded with system_versioning_insert_history. */
  history?: boolean;
}

/** A view, trigger, routine or event as the dump writes it: its CREATE statement and the session it needs. */
export interface SchemaObject {
  type: 'VIEW' | 'TRIGGER' | 'PROCEDURE' | 'FUNCTION' | 'PACKAGE' | 'PACKAGE BODY' | 'EVENT';
  name: string;
  /** As the server shows it, DEFINER included: a restore gives each object back to its owner. */
  create: string;
  sqlMode?: string;
  /** An event's time zone: its STARTS, ENDS and AT are written in it. */
  timeZone?: string;
}

/**
 * Base tables of a database (sequences and views left out) with their value
 * columns. A MariaDB table WITH SYSTEM VERSIONING is read with its whole
 * history: its row start and end (named, or the hidden ROW_START/ROW_END)
 * are value columns too, and end the key, since a key value has a row per
 * version.
 */
export async function readTables(connection: Connection, database: string, only?: string): Promise<TableInfo[]> {
  const filter = only === undefined ? '' : ' AND TABLE_NAME = ?';
  const values = only === undefined ? [database] : [database, only];
  const tables = await rowsOf<{ name: string; type: string; rows: string | null; bytes: string | null }>(connection,
    `SELECT TABLE_NAME AS name, TABLE_TYPE AS type, TABLE_ROWS AS \`rows\`, DATA_LENGTH AS bytes FROM information_schema.TABLES
     WHERE TABLE_SCHEMA = ? AND TABLE_TYPE IN ('BASE TABLE', '${SYSTEM_VERSIONED}')${filter} ORDER BY TABLE_NAME`, values);
  // MySQL and MariaDB both give a generated column's expression, and '' (MySQL) or NULL (MariaDB) for
  // any other; EXTRA would not do: MySQL marks a column with an expression DEFAULT as DEFAULT_GENERATED
  const columns = await rowsOf<{ tableName: string; name: string; dataType: string; charset: string | null; expression: string | null }>(connection,
    `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS name, DATA_TYPE AS dataType, CHARACTER_SET_NAME AS charset, GENERATION_EXPRESSION AS expression
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?${filter} ORDER BY TABLE_NAME, ORDINAL_POSITION`, values);
  const keyColumns = await rowsOf<{ tableName: string; name: string }>(connection,
    `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS name FROM information_schema.STATISTICS
     WHERE TABLE_SCHEMA = ?${filter} AND INDEX_NAME = 'PRIMARY' ORDER BY TABLE_NAME, SEQ_IN_INDEX`, values);
  return tables.map((t) => {
    const own = columns.filter((c) => c.tableName === t.name);
    const info: TableInfo = {
      name: t.name,
      columns: own
        .filter((c) => !c.expression)
        .map((c) => ({ name: c.name, kind: valueKindOf(c.dataType), utf8: /^utf8/i.test(c.charset ?? '') })),
      estimatedRows: Number(t.rows ?? 0),
      estimatedBytes: Number(t.bytes ?? 0),
      primaryKey: keyColumns.filter((k) => k.tableName === t.name).map((k) => k.name),
    };
    return t.type === SYSTEM_VERSIONED ? withHistory(info, own) : info;
  });
}

const SYSTEM_VERSIONED = 'SYSTEM VERSIONED';

/** A system-versioned table's period columns as values of every row version, and at the end of its key. */
function withHistory(table: TableInfo, columns: readonly { name: string; dataType: string; expression: string | null }[]): TableInfo {
  const period = (which: 'ROW START' | 'ROW END', hidden: string) => columns.find((c) => c.expression?.toUpperCase() === which) ?? { name: hidden, dataType: 'timestamp' };
  const start = period('ROW START', 'ROW_START');
  const end = period('ROW END', 'ROW_END');
  if (!/timestamp/i.test(start.dataType)) {
    // MariaDB takes history back only for timestamp periods (system_versioning_insert_history)
    throw new Error(`table ${table.name} keeps its history by transaction id (${start.name} is ${start.dataType}), which no restore can write back; it cannot be backed up with its history`);
  }
  const periodColumns = [start, end].map((c) => ({ name: c.name, kind: 'string' as const, utf8: false }));
  return {
    ...table,
    columns: [...table.columns, ...periodColumns],
    primaryKey: [...table.primaryKey.filter((k) => k !== end.name), end.name],
    history: true,
  };
}

export async function showCreateTable(connection: Connection, table: string): Promise<string> {
  const [row] = await rowsOf<Record<string, string>>(connection, `SHOW CREATE TABLE ${quoteIdentifier(table)}`);
  return row['Create Table'];
}

/** Views in an order where each comes after the views it selects from. */
export function orderViews(views: readonly SchemaObject[]): SchemaObject[] {
  const remaining = [...views];
  const ordered: SchemaObject[] = [];
  const dependsOn = (view: SchemaObject, other: SchemaObject) =>
    view !== other && view.create.includes(quoteIdentifier(other.name));
  while (remaining.length > 0) {
    // a name that merely appears as a column alias only makes the order stricter, never wrong
    const index = remaining.findIndex((view) => !remaining.some((other) => dependsOn(view, other)));
    ordered.push(...remaining.splice(index === -1 ? 0 : index, 1));
  }
  return ordered;
}

/** The column of SHOW CREATE <type> that holds the definition. */
const ROUTINE_COLUMNS = { PROCEDURE: 'Create Procedure', FUNCTION: 'Create Function', PACKAGE: 'Create Package', 'PACKAGE BODY': 'Create Package Body' } as const;

/**
 * Views, routines, triggers and events of the current database, each with its
 * DEFINER, in the order a restore creates them: routines first (views and
 * triggers may call them), views by dependency, then triggers and events.
 */
export async function readSchemaObjects(connection: Connection, database: string): Promise<SchemaObject[]> {
  const show = async (what: string, name: string, column: string) => {
    const [row] = await rowsOf<Record<string, string | null>>(connection, `SHOW CREATE ${what} ${quoteIdentifier(name)}`);
    const create = row?.[column];
    if (!create) {
      throw new Error(`the server did not show the definition of ${what.toLowerCase()} ${name}; the backup user needs to be its definer, or have SHOW_ROUTINE (MySQL) or SELECT on mysql.proc (MariaDB)`);
    }
    return { create, sqlMode: row.sql_mode ?? undefined, timeZone: row.time_zone ?? undefined };
  };
  // MariaDB's Oracle-mode packages are routines too: the package before its body (the ORDER BY gives that)
  const routines = await rowsOf<{ name: string; type: 'PROCEDURE' | 'FUNCTION' | 'PACKAGE' | 'PACKAGE BODY' }>(connection,
    'SELECT ROUTINE_NAME AS name, ROUTINE_TYPE AS type FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_TYPE, ROUTINE_NAME', [database]);
  const views = await rowsOf<{ name: string }>(connection,
    'SELECT TABLE_NAME AS name FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME', [database]);
  const triggers = await rowsOf<{ name: string }>(connection,
    'SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER', [database]);
  const events = await rowsOf<{ name: string }>(connection,
    'SELECT EVENT_NAME AS name FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY EVENT_NAME', [database]);
  const objects: SchemaObject[] = [];
  for (const r of routines) {
    objects.push({ type: r.type, name: r.name, ...await show(r.type, r.name, ROUTINE_COLUMNS[r.type]) });
  }
  const viewObjects: SchemaObject[] = [];
  for (const v of views) viewObjects.push({ type: 'VIEW', name: v.name, ...await show('VIEW', v.name, 'Create View'), sqlMode: undefined, timeZone: undefined });
  objects.push(...orderViews(viewObjects));
  for (const t of triggers) objects.push({ type: 'TRIGGER', name: t.name, ...await show('TRIGGER', t.name, 'SQL Original Statement'), timeZone: undefined });
  for (const e of events) objects.push({ type: 'EVENT', name: e.name, ...await show('EVENT', e.name, 'Create Event') });
  return objects;
}

/** A MariaDB sequence: its definition and where it stands (as strings: they may exceed 2^53). */
export interface SequenceInfo {
  name: string;
  create: string;
  /** The value NEXTVAL gives next once the cache is gone (`next_not_cached_value`). */
  next: string;
  /** How many times it has cycled (`cycle_count`). */
  round: string;
}

export async function sequenceNames(connection: Connection, database: string): Promise<string[]> {
  const rows = await rowsOf<{ name: string }>(connection,
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'SEQUENCE' ORDER BY TABLE_NAME", [database]);
  return rows.map((r) => r.name);
}

/** Where a sequence stands; `database` when it is not the connection's own. */
export async function sequenceState(connection: Connection, name: string, database?: string): Promise<Pick<SequenceInfo, 'next' | 'round'>> {
  const table = database === undefined ? quoteIdentifier(name) : `${quoteIdentifier(database)}.${quoteIdentifier(name)}`;
  const [state] = await rowsOf<{ next: string; round: string }>(connection,
    `SELECT CAST(next_not_cached_value AS CHAR) AS next, CAST(cycle_count AS CHAR) AS round FROM ${table}`);
  return state;
}

/** The sequences of the current database, read in the caller's snapshot. */
export async function readSequences(connection: Connection, database: string): Promise<SequenceInfo[]> {
  const sequences: SequenceInfo[] = [];
  for (const name of await sequenceNames(connection, database)) {
    const [shown] = await rowsOf<Record<string, string>>(connection, `SHOW CREATE SEQUENCE ${quoteIdentifier(name)}`);
    sequences.push({ name, create: shown['Create Table'], ...await sequenceState(connection, name) });
  }
  return sequences;
}
