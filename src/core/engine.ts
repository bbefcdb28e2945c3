// The engine as the adapters load it: bundled once into dist/engine.js, which both
// dist/extension.js (on first use, extension/engineLoader.ts, so activate() stays cheap)
// and dist/cli.js require at run time. scripts/build.mjs turns every import of this
// module into require('./engine'), so dockerode, mysql2 and simple-git ship once.
// The CLI imports values of core only through here (`import type` from elsewhere is fine;
// build.mjs and ESLint refuse the rest). The extension also bundles the few light modules
// it needs during activation (config, errors) — beware: an error class thrown in here is
// not the same class as extension.js's copy, so `instanceof` across the two fails (isCancelled knows).
export { CancelledError, DockerUnreachableError, DualEnvError, UsageError } from './common/errors';
export { detectCompose } from './compose/composeCommand';
export { checkIsolation, databaseCredentials, findEnvironment, loadConfig, secretsOf, withStoredPasswords } from './config';
export { dockerClientFor } from './docker/client';
export { readEnvironmentStatus, readProjectContainers, unknownStatus } from './docker/discovery';
export { containerShellCommand, databaseShellCommand, runningContainerOf, type ShellCommand } from './docker/shellCommands';
export { createStatusMonitor, type StatusMonitor } from './docker/statusMonitor';
export { followLogs, type LogLine } from './docker/logFollower';
export { deleteBackup, findBackup, listBackups, verifyBackup } from './database';
export { formatBytes, formatCount } from './database/progressText';
export { backupDatabase } from './operations/backupDatabase';
export { backupPlaceOf } from './operations/backupPlaceOf';
export { controlEnvironment } from './operations/environmentControl';
export { databaseBackups } from './operations/databaseBackups';
export { describePlan } from './operations/deployPreflight';
export { deployProduction } from './operations/deployProduction';
export { deployStaging } from './operations/deployStaging';
export { deploySwarmProduction } from './swarm/deploySwarmProduction';
export { rollbackSwarmProduction } from './swarm/rollbackSwarmProduction';
export { describeSwarmPlan } from './swarm/swarmDeployPlan';
export { lastSuccessfulDeployOf, readEnvironmentHistory, readProjectHistory } from './operations/environmentHistory';
export { environmentLockHolder, removeEnvironmentLock } from './operations/environmentLock';
export { describeHolder, LockedError } from './operations/lock';
export { isRemoteEngine } from './docker/dockerHost';
export { historyRow, noHistoryText } from './operations/historyRows';
export { assertRestorableFrom, assertSafetyBackupKept, restoreDatabase } from './operations/restoreDatabase';
export { describeRollbackPlan, rollbackProduction } from './operations/rollbackProduction';
