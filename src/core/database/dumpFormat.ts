import { commentLine, quoteIdentifier, quoteString } from './sqlText';
import type { SchemaObject, SequenceInfo } from './schema';

/**
 * The text around the row data of a dump: plain SQL that the stock
 * mysql/mariadb client loads (`mariadb db < <(gunzip -c dump.sql.gz)`), in the
 * session settings mysqldump uses, restored at the end.
 */

/**
 * The SQL mode row data and CREATE TABLE run under: not strict, so zero dates
 * load; 0 in AUTO_INCREMENT kept; dates such as 2020-02-30, which a table
 * written under ALLOW_INVALID_DATES holds, load as they are instead of as zeros.
 */
export const DUMP_SQL_MODE = 'NO_AUTO_VALUE_ON_ZERO,ALLOW_INVALID_DATES';

export function dumpHeader(info: { database: string; serverVersion: string; createdAt: string; history?: boolean }): string {
  return [
    commentLine(`Dual Env backup of database ${quoteIdentifier(info.database)}`),
    commentLine(`server ${info.serverVersion}, taken ${info.createdAt}`),
    '-- Load with: gunzip -c dump.sql.gz | mariadb <database>',
    '',
    'SET NAMES utf8mb4;',
    "SET @OLD_TIME_ZONE = @@TIME_ZONE, TIME_ZONE = '+00:00';",
    'SET @OLD_FOREIGN_KEY_CHECKS = @@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS = 0;',
    'SET @OLD_UNIQUE_CHECKS = @@UNIQUE_CHECKS, UNIQUE_CHECKS = 0;',
    `SET @OLD_SQL_MODE = @@SQL_MODE, SQL_MODE = '${DUMP_SQL_MODE}';`,
    'SET @OLD_SQL_NOTES = @@SQL_NOTES, SQL_NOTES = 0;',
    // system-versioned tables: their rows carry their own row start and end (MariaDB 10.11+)
    ...(info.history ? ['SET SESSION system_versioning_insert_history = 1;'] : []),
    '',
  ].join('\n') + '\n';
}

/** The dump's last line: a dump that does not end with it was cut short. */
export const DUMP_END_MARKER = '-- Dual Env dump complete';

export function dumpFooter(): string {
  return [
    '',
    'SET SQL_MODE = @OLD_SQL_MODE;',
    'SET FOREIGN_KEY_CHECKS = @OLD_FOREIGN_KEY_CHECKS;',
    'SET UNIQUE_CHECKS = @OLD_UNIQUE_CHECKS;',
    'SET TIME_ZONE = @OLD_TIME_ZONE;',
    'SET SQL_NOTES = @OLD_SQL_NOTES;',
    DUMP_END_MARKER,
    '',
  ].join('\n');
}

/**
 * Sequences, with where each stands, before the tables (a column's DEFAULT
 * may call one). `DO SETVAL(…, next, 0, round)` makes NEXTVAL give `next`.
 */
export function sequencesSection(sequences: readonly SequenceInfo[]): string {
  if (sequences.length === 0) return '';
  const lines = ['--', '-- Sequences', '--'];
  for (const sequence of sequences) {
    lines.push(`DROP SEQUENCE IF EXISTS ${quoteIdentifier(sequence.name)};`);
    lines.push(`${sequence.create};`);
    lines.push(`DO SETVAL(${quoteIdentifier(sequence.name)}, ${BigInt(sequence.next)}, 0, ${BigInt(sequence.round)});`);
  }
  return `${lines.join('\n')}\n\n`;
}

/**
 * SHOW CREATE TABLE names a sequence in a DEFAULT with its database
 * (`nextval(`shop`.`ids`)`); the dump names it bare, so the table calls the
 * sequence of whatever database it is loaded into.
 */
export function sequencesRelative(createTable: string, database: string): string {
  let text = createTable;
  for (const call of ['nextval', 'lastval']) text = text.split(`${call}(${quoteIdentifier(database)}.`).join(`${call}(`);
  return text;
}

export function tableSchema(table: string, createTable: string): string {
  return `\n--\n${commentLine(`Table ${quoteIdentifier(table)}`)}\n--\nDROP TABLE IF EXISTS ${quoteIdentifier(table)};\n${createTable};\n\n`;
}

/** `INSERT INTO `t` (`a`,`b`) VALUES` + newline: the start of each multi-row INSERT. */
export function insertPrefix(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(',')}) VALUES\n`;
}

/**
 * Routines, views, triggers and events. Bodies may hold `;`, so they are
 * written between `DELIMITER ;;` lines as mysqldump does; each runs in the
 * SQL mode it was created in, an event in its time zone (its schedule is
 * written in it), and each keeps its DEFINER.
 */
export function objectsSection(objects: readonly SchemaObject[]): string {
  if (objects.length === 0) return '';
  const lines = ['', '--', '-- Routines, views, triggers and events', '--', 'DELIMITER ;;'];
  for (const object of objects) {
    const drop = object.type === 'VIEW' ? 'DROP VIEW IF EXISTS' : `DROP ${object.type} IF EXISTS`;
    lines.push(`SET SESSION SQL_MODE = ${quoteString(object.sqlMode ?? DUMP_SQL_MODE)};;`);
    lines.push(`${drop} ${quoteIdentifier(object.name)};;`);
    if (object.timeZone) lines.push(`SET SESSION TIME_ZONE = ${quoteString(object.timeZone)};;`);
    // MySQL keeps a routine's or trigger's own closing `;` in its text: `;;;` would end it early
    lines.push(`${object.create.replace(/[\s;]+$/, '')};;`);
    if (object.timeZone) lines.push("SET SESSION TIME_ZONE = '+00:00';;");
  }
  lines.push('DELIMITER ;', `SET SESSION SQL_MODE = '${DUMP_SQL_MODE}';`, '');
  return lines.join('\n') + '\n';
}
