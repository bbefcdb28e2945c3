import crypto from 'node:crypto';
import type { ProgressReporter } from '../common/progress';
import { rowsOf, safeMessage, type Connection } from './connection';
import { createObject } from './createObject';
import { DatabaseError } from './errors';
import { quoteIdentifier, quoteString } from './sqlText';

/** Names of the helper databases of a restore of `target`: short enough for MySQL's 64 characters. */
export function helperPrefix(target: string, role: 'restore' | 'hold'): string {
  return `${target.slice(0, 40)}__${role}_`;
}

async function listLike(admin: Connection, prefix: string): Promise<string[]> {
  const like = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
  const rows = await rowsOf<{ name: string }>(admin, 'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [`${like}%`]);
  return rows.map((r) => r.name);
}

async function namesOf(admin: Connection, sql: string, database: string): Promise<string[]> {
  return (await rowsOf<{ name: string }>(admin, sql, [database])).map((r) => r.name);
}

// sequences move with the tables: a column's DEFAULT may call one
const TABLES_SQL = "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'SEQUENCE')";
const VIEWS_SQL = 'SELECT TABLE_NAME AS name FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?';
// in each table's firing order, so triggers created again keep it
const TRIGGERS_SQL = 'SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER';
const EVENTS_SQL = 'SELECT EVENT_NAME AS name FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?';

/**
 * A DEFAULT that calls a sequence names it with the database it was created
 * in, and RENAME TABLE leaves that name as it was: after the swap, such
 * defaults would call the scratch database's sequence. They are set again,
 * naming the target's.
 */
async function repointSequenceDefaults(admin: Connection, target: string, scratch: string): Promise<void> {
  const q = quoteIdentifier;
  const stale = `${q(scratch)}.`;
  const columns = await rowsOf<{ tableName: string; name: string; expression: string }>(admin,
    'SELECT TABLE_NAME AS tableName, COLUMN_NAME AS name, COLUMN_DEFAULT AS expression FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND INSTR(COLUMN_DEFAULT, ?) > 0',
    [target, stale]);
  for (const column of columns) {
    const expression = column.expression.split(stale).join(`${q(target)}.`);
    await admin.query(`ALTER TABLE ${q(target)}.${q(column.tableName)} ALTER COLUMN ${q(column.name)} SET DEFAULT ${expression}`);
  }
}

/** A table in the holding database that keeps the target's triggers while they are dropped for the swap. */
const PARKED_TRIGGERS = '__dual_env_parked_triggers';

interface ParkedTrigger {
  name: string;
  sqlMode: string;
  create: string;
}

/**
 * Writes the target's triggers into the holding database before any is
 * dropped: whatever stops the swap (an error, a lock wait, a kill), their
 * definitions are on the server, and the next restore puts them back.
 */
async function parkTriggers(admin: Connection, target: string, hold: string): Promise<ParkedTrigger[]> {
  const q = quoteIdentifier;
  const parked: ParkedTrigger[] = [];
  for (const name of await namesOf(admin, TRIGGERS_SQL, target)) {
    const [row] = await rowsOf<Record<string, string>>(admin, `SHOW CREATE TRIGGER ${q(target)}.${q(name)}`);
    parked.push({ name, sqlMode: row.sql_mode, create: row['SQL Original Statement'] });
  }
  await admin.query(`CREATE TABLE ${q(hold)}.${q(PARKED_TRIGGERS)} (position INT PRIMARY KEY, name VARCHAR(64) NOT NULL, sql_mode TEXT NOT NULL, create_statement LONGTEXT NOT NULL) DEFAULT CHARSET = utf8mb4`);
  for (const [position, trigger] of parked.entries()) {
    await admin.query(`INSERT INTO ${q(hold)}.${q(PARKED_TRIGGERS)} VALUES (?, ?, ?, ?)`, [position, trigger.name, trigger.sqlMode, trigger.create]);
  }
  return parked;
}

/** Creates again, in the target, those of the parked triggers it no longer has; returns how many. */
async function unparkTriggers(connection: Connection, target: string, parked: readonly ParkedTrigger[]): Promise<number> {
  const present = new Set(await namesOf(connection, TRIGGERS_SQL, target));
  let created = 0;
  for (const trigger of parked.filter((t) => !present.has(t.name))) {
    await connection.query(`USE ${quoteIdentifier(target)}`);
    await connection.query(`SET SESSION SQL_MODE = ${quoteString(trigger.sqlMode)}`);
    await connection.query(trigger.create);
    created++;
  }
  return created;
}

async function readParkedTriggers(admin: Connection, hold: string): Promise<ParkedTrigger[]> {
  return rowsOf<ParkedTrigger>(admin, `SELECT name, sql_mode AS sqlMode, create_statement AS \`create\` FROM ${quoteIdentifier(hold)}.${quoteIdentifier(PARKED_TRIGGERS)} ORDER BY position`);
}

/**
 * Moves the scratch database's tables into the target in one RENAME TABLE
 * (the target's own tables go to a holding database in the same statement),
 * so the target holds either all its old tables or all the backup's. Triggers
 * cannot travel between databases: the target's are parked in the holding
 * database, dropped just before the rename and, if it fails, created again
 * before the error goes on; views, routines and events are replaced after
 * the rename. Returns the holding database, for the caller to drop.
 */
export async function swapIn(admin: Connection, targetConnection: Connection, target: string, scratch: string, objectStatements: readonly string[]): Promise<{ hold: string; changedOwner: string[] }> {
  const q = quoteIdentifier;
  const hold = `${helperPrefix(target, 'hold')}${crypto.randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${q(hold)}`);
  const parked = await parkTriggers(admin, target, hold);
  const oldTables = (await namesOf(admin, TABLES_SQL, target));
  const newTables = await namesOf(admin, TABLES_SQL, scratch);
  for (const name of await namesOf(admin, TRIGGERS_SQL, scratch)) await admin.query(`DROP TRIGGER ${q(scratch)}.${q(name)}`);
  const renames = [
    ...oldTables.map((t) => `${q(target)}.${q(t)} TO ${q(hold)}.${q(t)}`),
    ...newTables.map((t) => `${q(scratch)}.${q(t)} TO ${q(target)}.${q(t)}`),
  ];
  try {
    for (const trigger of parked) await admin.query(`DROP TRIGGER IF EXISTS ${q(target)}.${q(trigger.name)}`);
    if (renames.length > 0) await admin.query(`RENAME TABLE ${renames.join(', ')}`);
  } catch (error) {
    try {
      await unparkTriggers(targetConnection, target, parked);
    } catch (unparkError) {
      throw new DatabaseError(`The swap into ${target} failed (${safeMessage(error)}) and its triggers could not be created again (${safeMessage(unparkError)}); their definitions are kept in ${hold}.${PARKED_TRIGGERS}, and the next restore creates them again.`, { cause: error });
    }
    await admin.query(`DROP DATABASE ${q(hold)}`);
    throw error;
  }
  try {
    // the backup's own triggers come with its objects: the parked ones have done their job
    await admin.query(`DROP TABLE ${q(hold)}.${q(PARKED_TRIGGERS)}`);
    await repointSequenceDefaults(admin, target, scratch);
    for (const name of await namesOf(admin, VIEWS_SQL, target)) await admin.query(`DROP VIEW ${q(target)}.${q(name)}`);
    for (const r of await rowsOf<{ name: string; type: string }>(admin,
      'SELECT ROUTINE_NAME AS name, ROUTINE_TYPE AS type FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?', [target])) {
      // dropping a package drops its body too
      await admin.query(`DROP ${r.type} IF EXISTS ${q(target)}.${q(r.name)}`);
    }
    for (const name of await namesOf(admin, EVENTS_SQL, target)) await admin.query(`DROP EVENT ${q(target)}.${q(name)}`);
    const changedOwner: string[] = [];
    for (const statement of objectStatements) {
      const changed = await createObject(targetConnection, statement);
      if (changed) changedOwner.push(changed);
    }
    return { hold, changedOwner };
  } catch (error) {
    throw new DatabaseError(`The backup's tables are in ${target}, but recreating its views, routines, triggers or events failed: ${safeMessage(error)}; the previous tables are kept in database ${hold}.`, { cause: error });
  }
}

/**
 * Leftovers of a restore that was killed (the restore lock says none runs now):
 * a scratch database goes. A holding database without moved tables was left
 * before the rename: the triggers parked in it are created again in the
 * target, then it goes. One with tables is the data a swap moved out, maybe
 * its only copy, so it stays.
 */
export async function clearLeftovers(admin: Connection, target: string, report: ProgressReporter): Promise<void> {
  const q = quoteIdentifier;
  for (const scratch of await listLike(admin, helperPrefix(target, 'restore'))) await admin.query(`DROP DATABASE ${q(scratch)}`);
  for (const hold of await listLike(admin, helperPrefix(target, 'hold'))) {
    const tables = await namesOf(admin, TABLES_SQL, hold);
    const moved = tables.filter((t) => t !== PARKED_TRIGGERS);
    if (moved.length > 0) {
      report.done('leftovers', `Kept database ${hold}: it holds the tables an interrupted restore moved out of ${target}. Drop it once you no longer need them.`);
      continue;
    }
    if (tables.includes(PARKED_TRIGGERS)) {
      const created = await unparkTriggers(admin, target, await readParkedTriggers(admin, hold));
      if (created > 0) report.done('leftovers', `Created again ${created} trigger(s) of ${target} that an interrupted restore had dropped.`);
    }
    await admin.query(`DROP DATABASE ${q(hold)}`);
  }
}

