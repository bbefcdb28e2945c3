// The engine as the extension uses it: built into dist/engine.js and loaded on first
// use (engineLoader.ts), so that activate() does not parse dockerode, mysql2 and simple-git.
export { dockerClientFor } from '../core/docker/client';
export { createStatusMonitor, type StatusMonitor } from '../core/docker/statusMonitor';
export { followLogs, type LogLine } from '../core/docker/logFollower';
export { deleteBackup, listBackups, verifyBackup } from '../core/database';
export { backupDatabase } from '../core/operations/backupDatabase';
export { databaseBackups } from '../core/operations/databaseBackups';
export { describePlan } from '../core/operations/deployPreflight';
export { deployProduction } from '../core/operations/deployProduction';
export { deployStaging } from '../core/operations/deployStaging';
export { rollbackProduction } from '../core/operations/rollbackProduction';
