// The engine as the extension uses it: built into dist/engine.js and loaded on first
// use (engineLoader.ts), so that activate() does not parse dockerode and mysql2.
export { dockerClientFor } from '../core/docker/client';
export { createStatusMonitor, type StatusMonitor } from '../core/docker/statusMonitor';
export { followLogs, type LogLine } from '../core/docker/logFollower';
export { applyRetention, createBackup, deleteBackup, listBackups, verifyBackup } from '../core/database';
