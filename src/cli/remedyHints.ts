import type { Remedy } from '../core/common/remedies';

/** A remedy as the line under an error: what to do, and the dual-env command that does it. */
export function remedyHint(remedy: Remedy): string {
  switch (remedy.kind) {
    case 'rollback': return `roll back: dual-env rollback ${remedy.environment} ${remedy.backupId}`;
    case 'showLogs': return `read the logs: dual-env logs ${remedy.environment}${remedy.service ? ` ${remedy.service}` : ''}`;
    case 'deployStaging': return `deploy to staging first: dual-env deploy ${remedy.environment}`;
    case 'deployWithMessage': return `commit as part of the deploy: dual-env deploy ${remedy.environment} --message "<what changed>"`;
    case 'setDatabasePassword': return `give the password: set ${remedy.variable} in the environment or in .env`;
    case 'listBackups': return `list the backups: dual-env backups ${remedy.environment}`;
    case 'unlock': return `if that operation is gone, remove its lock: dual-env unlock ${remedy.environment}`;
  }
}

/** The error line and its remedies, as `dual-env` prints them on stderr. */
export function errorReport(message: string, remedies: readonly Remedy[]): string {
  return [`dual-env: ${message}`, ...remedies.map((remedy) => `  → ${remedyHint(remedy)}`)].join('\n') + '\n';
}
