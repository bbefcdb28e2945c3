import { DualEnvError } from '../common/errors';

/** A backup's files do not match its manifest (truncated, altered, manifest missing): it must not be restored. */
export class BackupCorruptError extends DualEnvError {
  readonly exitCode = 1;
}

/** No backup with that id exists in the environment's backups folder. */
export class BackupNotFoundError extends DualEnvError {
  readonly exitCode = 2;
}

/** The database server refused or dropped a connection or a statement. */
export class DatabaseError extends DualEnvError {
  readonly exitCode = 1;
}

/** A restore loaded the dump but what arrived differs from the manifest; the target was left as it was. */
export class RestoreVerificationError extends DualEnvError {
  readonly exitCode = 1;
}
