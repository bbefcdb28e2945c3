import type { DatabaseCredentials } from '../config/credentials';
import type { ProgressListener } from '../common/progress';
import type { BackupInput } from './backupStore';
import type { BackupPlace } from './backupPlace';
import type { Connection } from './connection';
import type { DumpOptions } from './dumpWriter';
import { DatabaseError } from './errors';
import { missingFromBackup, readInventory } from './inventory';
import type { BackupRecord } from './manifest';
import { readSchemaObjects, type SchemaObject } from './schema';

/** Tables and sequences travel to the holding database in the swap's RENAME; the hold's own dump accounts for them. */
const MOVED_BY_THE_SWAP = /^(TABLE|SEQUENCE) /;

/**
 * The target's views, routines, triggers and events, read on a connection to
 * it just before the swap: after the swap its tables are in the holding
 * database, but these are gone, replaced by the backup's. Refuses, with the
 * target unchanged, a database holding anything else a backup would not write.
 */
export async function readObjectsBeforeSwap(targetConnection: Connection, target: string, where: string): Promise<SchemaObject[]> {
  const objects = await readSchemaObjects(targetConnection, target);
  const inventory = (await readInventory(targetConnection, target)).filter((entry) => !MOVED_BY_THE_SWAP.test(entry));
  const missing = missingFromBackup(inventory, objects.map((o) => `${o.type} ${o.name}` as const));
  if (missing.length > 0) {
    throw new DatabaseError(`${target} on ${where} holds ${missing.join(', ')}, which its safety backup would not write; it was left unchanged.`);
  }
  return objects;
}

export interface MovedAsideState {
  credentials: DatabaseCredentials;
  place: BackupPlace;
  /** Where the swap moved the target's tables. */
  holdingDatabase: string;
  /** The target's objects as read by readObjectsBeforeSwap. */
  objects: readonly SchemaObject[];
  dump?: Omit<DumpOptions, 'onProgress' | 'onNote' | 'movedAside'>;
}

/**
 * The safety backup of a restore: what the target held at the very moment of
 * the swap, every write before it included, as a verified backup of the target
 * itself. Written from the holding database the swap moved the tables into,
 * which nothing writes to, so it misses nothing the application committed.
 */
export function backUpMovedAside(state: MovedAsideState, input: BackupInput, signal: AbortSignal, onProgress?: ProgressListener): Promise<BackupRecord> {
  return state.place.create(
    { credentials: state.credentials, dump: { ...state.dump, movedAside: { holdingDatabase: state.holdingDatabase, objects: state.objects } } },
    input,
    signal,
    onProgress,
  );
}
