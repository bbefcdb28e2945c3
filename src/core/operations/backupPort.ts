import type { Environment } from '../config';
import type { ProgressListener } from '../common/progress';

/** What the deploy and rollback operations need to know of a backup. */
export interface BackupSummary {
  id: string;
  environment: string;
  /** ISO 8601. */
  createdAt: string;
  gitCommit?: string;
  /** Service → image id that was live when the backup was taken. */
  images?: Record<string, string>;
}

/** Recorded with a safety backup: the commit and images that ran with that data, and why it was taken. */
export interface SafetyRecord {
  gitCommit?: string;
  images?: Record<string, string>;
  reason?: string;
}

/**
 * The backups the operations take and restore, as one injected dependency:
 * the backup issue's verified writer and atomic restore sit behind it, so the
 * operations can be driven and tested with any real implementation.
 */
export interface DatabaseBackups {
  /** A verified backup of the environment's database, recording the commit and the live images; then the retention, which spares `keep`. */
  create(
    request: { environment: Environment; gitCommit?: string; images?: Record<string, string>; reason?: string; keep?: readonly string[] },
    signal: AbortSignal,
    onProgress: ProgressListener,
  ): Promise<BackupSummary>;
  /**
   * Loads a backup (of `from`, default the same environment) into the environment's database, all or nothing;
   * with `safetyBackup`, what the database held up to the swap becomes a safety backup recorded with it.
   * Cancellable until `onPointOfNoReturn` is called.
   */
  restore(
    request: {
      environment: Environment; backupId: string; from?: Environment;
      safetyBackup?: SafetyRecord;
      onPointOfNoReturn?: () => void | Promise<void>;
    },
    signal: AbortSignal,
    onProgress: ProgressListener,
  ): Promise<{ safetyBackup?: BackupSummary }>;
  /** The environment's backups, newest first. */
  list(environment: Environment): Promise<BackupSummary[]>;
}
