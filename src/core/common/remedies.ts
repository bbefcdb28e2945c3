/**
 * What a person can do next about a failure. Core errors carry them as plain data,
 * which crosses the bundle boundary intact; the CLI prints each as the command that
 * does it, VS Code offers each as a button that does it. A message never names a
 * CLI command for this: the face that shows it adds the remedy in its own terms.
 */
export type Remedy =
  /** Roll the environment back to this backup (its data and the images recorded with it). */
  | { kind: 'rollback'; environment: string; backupId: string }
  /** Read the logs of the environment, or of one of its services. */
  | { kind: 'showLogs'; environment: string; service?: string }
  /** Deploy the current commit to staging first. */
  | { kind: 'deployStaging'; environment: string }
  /** Deploy again with a commit message, committing the listed changes as part of the deploy. */
  | { kind: 'deployWithMessage'; environment: string }
  /** Give the password the environment's database (and Compose) need. */
  | { kind: 'setDatabasePassword'; environment: string; variable: string }
  /** See which backups the environment has. */
  | { kind: 'listBackups'; environment: string }
  /** Remove the environment's lock, left by an operation that is gone (shown and confirmed first). */
  | { kind: 'unlock'; environment: string };

/** The remedies an error carries; none for errors that are not the engine's. */
export function remediesOf(error: unknown): readonly Remedy[] {
  const remedies = (error as { remedies?: unknown } | undefined)?.remedies;
  return Array.isArray(remedies) ? (remedies as Remedy[]) : [];
}
