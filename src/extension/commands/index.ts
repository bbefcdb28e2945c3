// Every command of the extension, each a factory (ctx) => handler; extension.ts registers them by name.
export { createComposeFile, refresh, setDatabasePassword, showLog } from './workspace';
export {
  environmentActions, openInBrowser, restartContainer, restartEnvironment, startContainer, startEnvironment,
  stopContainer, stopEnvironment,
} from './environment';
export { showLogs, stopFollowingLogs } from './logs';
export { backupProduction, deleteBackup, loadBackupIntoStaging, revealBackup, verifyBackup } from './backups';
export { deployProduction, deployProductionInMaintenanceWindow, deployStaging, rollbackProduction } from './deploy';
export { showDeployHistory } from './history';
export { openComposeFile } from './composeFile';
export { attachShell, openDatabaseShell } from './shells';
export { unlockEnvironment } from './unlock';
