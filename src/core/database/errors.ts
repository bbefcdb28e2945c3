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

/**
 * A restore swapped the backup in, but the safety backup of what the target held
 * could not be written: that state is whole in `holdingDatabase`, kept until
 * someone backs it up. The restore itself is done, so a caller restoring code with
 * the data goes on and reports this at the end.
 */
export class SafetyBackupFailedError extends DatabaseError {
  /** Set by a rollback that brought the code back too and found the environment healthy. */
  readonly healthy: boolean;
  constructor(message: string, readonly holdingDatabase: string, options?: { cause?: unknown; healthy?: boolean }) {
    super(message, options);
    this.healthy = options?.healthy ?? false;
  }
}
