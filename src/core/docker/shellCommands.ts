// The docker CLI commands of Open Database Shell and Attach Shell, as argument arrays.
// Pure: no Docker, no I/O; the adapters run them (a VS Code terminal, the CLI's own stdio).
import type { Environment } from '../config/model';
import type { ContainerStatus } from './discovery';
import { dockerHostOf } from './dockerHost';

/** A program to run with its argument array and the variables added to the child's environment. */
export interface ShellCommand {
  file: string;
  args: string[];
  /** Added to the parent's environment: DOCKER_HOST always, MYSQL_PWD for a database shell. */
  env: Record<string, string>;
}

/**
 * Read by both the mysql and the mariadb client. `docker exec -e MYSQL_PWD` with no
 * value copies it from the docker CLI's own environment, so the password is in no
 * command line: not docker's on this machine, not the client's in the container.
 */
export const PASSWORD_VARIABLE = 'MYSQL_PWD';

/**
 * Constant, never interpolated: the user and database reach the client as "$@".
 * MariaDB 11 images ship `mariadb` without the `mysql` alias, MySQL images only `mysql`.
 */
export const DATABASE_CLIENT_SCRIPT = 'if command -v mariadb >/dev/null 2>&1; then exec mariadb "$@"; fi; exec mysql "$@"';

/** Constant: bash where the image has it (history, completion), else the POSIX sh every image has. */
export const LOGIN_SHELL_SCRIPT = 'if command -v bash >/dev/null 2>&1; then exec bash; fi; exec sh';

export interface DatabaseShellTarget {
  environment: Pick<Environment, 'dockerHost'>;
  /** Name or id of the running database container. */
  container: string;
  user: string;
  database: string;
  password: string;
  /** Allocate a terminal (-t): yes in a terminal, no when stdin is a pipe. */
  tty: boolean;
}

/** The docker engine the environment's status is read from, for the docker CLI too: never the machine's docker context. */
function dockerEnv(environment: Pick<Environment, 'dockerHost'>, env: NodeJS.ProcessEnv): Record<string, string> {
  return { DOCKER_HOST: dockerHostOf(environment, env) };
}

/** `docker exec -i[t] -e MYSQL_PWD <container> sh -c <script> sh --user=<user> --database=<db>`; the password only in `env`. */
export function databaseShellCommand(target: DatabaseShellTarget, env: NodeJS.ProcessEnv = process.env): ShellCommand {
  return {
    file: 'docker',
    args: [
      'exec', '-i', ...(target.tty ? ['-t'] : []), '-e', PASSWORD_VARIABLE, target.container,
      // "sh" is the script's $0; the --name=value forms keep a name starting with "-" from reading as an option
      'sh', '-c', DATABASE_CLIENT_SCRIPT, 'sh', `--user=${target.user}`, `--database=${target.database}`,
    ],
    env: { ...dockerEnv(target.environment, env), [PASSWORD_VARIABLE]: target.password },
  };
}

/** `docker exec -it <container> sh -c <script>`: a login shell in a running container. */
export function containerShellCommand(environment: Pick<Environment, 'dockerHost'>, container: string, env: NodeJS.ProcessEnv = process.env): ShellCommand {
  return { file: 'docker', args: ['exec', '-i', '-t', container, 'sh', '-c', LOGIN_SHELL_SCRIPT], env: dockerEnv(environment, env) };
}

/**
 * The container a shell opens in: the service's running one, by name (or id).
 * Otherwise an Error in one sentence that says what to do.
 */
export function runningContainerOf(containers: readonly ContainerStatus[], service: string, environmentLabel: string): string {
  const own = containers.filter((c) => c.service === service);
  const running = own.find((c) => c.state === 'running' && (c.name || c.containerId));
  if (running) return (running.name || running.containerId) as string;
  const state = own.find((c) => c.state !== 'missing')?.state;
  throw new Error(state
    ? `${service} is ${state}, so no shell can open in it; start ${environmentLabel} first.`
    : `${service} has no container, so no shell can open in it; start ${environmentLabel} first.`);
}
