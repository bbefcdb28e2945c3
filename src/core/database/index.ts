export {
  applyRetention, assertRestorable, createBackup, deleteBackup, findBackup, listBackups, verifyBackup, type BackupDeps, type BackupInput, type RetentionResult, type VerifyResult,
} from './backupStore';
export { folderPlace, type BackupPlace, type BackupSource } from './backupPlace';
export { backupVolumeName, volumePlace } from './backupVolume';
export { BackupCorruptError, BackupNotFoundError, DatabaseError, RestoreVerificationError, SafetyBackupFailedError } from './errors';
export { type BackupManifest, type BackupRecord } from './manifest';
export { restoreBackup, type RestoreDeps, type RestoreInput, type RestoreResult } from './restore';
export { tableChecksums, compareTables } from './tableChecksums';
export type { TableSummary, DumpOptions } from './dumpWriter';
export type { DatabaseCredentials } from '../config/credentials';
