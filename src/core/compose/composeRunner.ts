import { CommandFailedError, DockerUnreachableError } from '../common/errors';
import { composeOnlyPasswords, secretsOf, type DualEnvConfig } from '../config';
import { runCompose, type ComposeCommand, type ComposeProject } from './composeCommand';

/** One compose project as the operations drive it: which Compose, which file, which extra variables, what to hide. */
export interface ComposeTarget {
  compose: ComposeCommand;
  project: ComposeProject;
  /** Set in Compose's environment on top of the process's (GIT_COMMIT, APP_VERSION); they win over .env. */
  variables: Readonly<Record<string, string>>;
  /**
   * Passwords from a secret store that neither the environment nor .env sets, by
   * variable: Compose interpolates them from its environment, never its arguments.
   */
  passwords: Readonly<Record<string, string>>;
  /** Values that must never reach a log line or an error (passwords from .env or a secret store). */
  secrets: readonly string[];
}

export interface StepOptions {
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

export function composeTarget(config: DualEnvConfig, compose: ComposeCommand, variables: Record<string, string> = {}): ComposeTarget {
  return {
    compose,
    project: { file: config.file, projectName: config.projectName, projectDir: config.projectDir },
    variables,
    passwords: composeOnlyPasswords(config),
    secrets: secretsOf(config),
  };
}

/** The environment a Compose child runs with: the process's, the stored passwords, then the target's variables. */
export function composeEnvironment(target: ComposeTarget): NodeJS.ProcessEnv {
  return { ...process.env, ...target.passwords, ...target.variables };
}

/** Runs one Compose command, streaming its lines (secrets replaced) and failing with its last lines. */
export async function composeStep(target: ComposeTarget, args: readonly string[], what: string, options: StepOptions = {}): Promise<void> {
  const result = await runCompose(target.compose, target.project, args, {
    env: composeEnvironment(target),
    signal: options.signal,
    redact: target.secrets,
    onLine: options.onLine && ((line) => { if (line.trim()) options.onLine!(line); }),
  });
  if (result.exitCode !== 0) {
    const output = result.stderr || result.stdout;
    if (DAEMON_GONE.test(output)) {
      throw new DockerUnreachableError(`${what} failed: Compose could not reach the Docker engine; check that Docker is running (or DOCKER_HOST) and try again.`);
    }
    const lost = CONNECTION_LOST.exec(output);
    if (lost) {
      const host = target.variables.DOCKER_HOST ?? process.env.DOCKER_HOST;
      throw new DockerUnreachableError(`${what} failed: Compose lost its connection to the Docker engine${host ? ` at ${host}` : ''} (${lost[0]})`, { cause: new Error(failureTail(output)) });
    }
    throw new CommandFailedError(`${what} failed (compose exit code ${result.exitCode}): ${failureTail(output)}`, result.exitCode, result.stdout + result.stderr);
  }
}

/** The engine's connection ended under Compose (v2 over ssh://: its `ssh … dial-stdio` exited), said without the advice about Docker versions that follows. */
const CONNECTION_LOST = /command \[ssh [^\]\n]*\] has exited with [^,\n]*|error during connect: [^,\n]*/;
const DAEMON_GONE = /Couldn't connect to Docker daemon|Error while fetching server API version|Cannot connect to the Docker daemon/;

/** The lines that say what went wrong: a Python traceback (Compose v1) is reduced to its last line. */
function failureTail(output: string): string {
  const lines = output.trim().split('\n').filter((line) => line.trim());
  if (output.includes('Traceback (most recent call last)')) return lines.at(-1)?.trim() ?? '';
  return lines.slice(-3).join(' | ');
}

/** Builds the images of the given services; nothing running is touched. */
export function buildServices(target: ComposeTarget, services: readonly string[], options?: StepOptions) {
  return composeStep(target, ['build', '--force-rm', ...services], `Building ${services.join(', ')}`, options);
}

/** Replaces the containers of the given services with new ones from their current images, leaving other services alone. */
export function recreateServices(target: ComposeTarget, services: readonly string[], options?: StepOptions) {
  return composeStep(target, ['up', '-d', '--no-deps', '--force-recreate', ...services], `Recreating ${services.join(', ')}`, options);
}

/**
 * Starts one more container of each service (service → how many it then has) beside
 * those running, which stay as they are: `--no-recreate` keeps them, `--scale` adds the
 * new one from the current images and variables. Works alike on Compose v1 and v2.
 */
export function startBeside(target: ComposeTarget, counts: Readonly<Record<string, number>>, options?: StepOptions) {
  const services = Object.keys(counts);
  const scale = Object.entries(counts).flatMap(([service, count]) => ['--scale', `${service}=${count}`]);
  return composeStep(target, ['up', '-d', '--no-deps', '--no-recreate', ...scale, ...services], `Starting the new ${services.join(', ')} beside the running ones`, options);
}

/** Starts the given services if they are not running, without recreating those that are. */
export function ensureServicesUp(target: ComposeTarget, services: readonly string[], options?: StepOptions) {
  return composeStep(target, ['up', '-d', '--no-deps', '--no-recreate', ...services], `Starting ${services.join(', ')}`, options);
}

export function stopServices(target: ComposeTarget, services: readonly string[], options?: StepOptions) {
  return composeStep(target, ['stop', ...services], `Stopping ${services.join(', ')}`, options);
}

export function restartServices(target: ComposeTarget, services: readonly string[], options?: StepOptions) {
  return composeStep(target, ['restart', ...services], `Restarting ${services.join(', ')}`, options);
}

/** Stops and removes the containers of the given services; named volumes (the data) stay. */
export function removeServices(target: ComposeTarget, services: readonly string[], options?: StepOptions) {
  return composeStep(target, ['rm', '--stop', '--force', ...services], `Removing ${services.join(', ')}`, options);
}
