import { runProcess, type RunOptions } from '../common/process';
import { CommandFailedError } from '../common/errors';

/** How Compose is invoked: `docker compose` (v2 plugin) or `docker-compose` (v1 or v2 standalone). */
export interface ComposeCommand {
  program: string;
  /** Arguments that come before Compose's own (`['compose']` for the plugin). */
  prefix: readonly string[];
  version: string;
  /** v1 names containers project_service_1, v2 project-service-1. */
  major: 1 | 2;
}

export type ComposePreference = 'auto' | 'v2' | 'v1';

async function probe(program: string, prefix: readonly string[], env?: NodeJS.ProcessEnv): Promise<ComposeCommand | undefined> {
  try {
    const { exitCode, stdout } = await runProcess(program, [...prefix, 'version', '--short'], { env });
    if (exitCode !== 0) return undefined;
    const version = stdout.trim().replace(/^v/, '');
    return { program, prefix, version, major: version.startsWith('1.') ? 1 : 2 };
  } catch {
    return undefined;
  }
}

/** Finds Compose at run time: the v2 plugin first (unless v1 is asked for), then `docker-compose`. */
export async function detectCompose(preference: ComposePreference = 'auto', env?: NodeJS.ProcessEnv): Promise<ComposeCommand> {
  const plugin = () => probe('docker', ['compose'], env);
  const standalone = () => probe('docker-compose', [], env);
  const order = preference === 'v1' ? [standalone] : preference === 'v2' ? [plugin, standalone] : [plugin, standalone];
  for (const candidate of order) {
    const found = await candidate();
    if (found && (preference !== 'v2' || found.major === 2)) return found;
  }
  const wanted = preference === 'auto' ? 'Docker Compose' : `Docker Compose ${preference}`;
  throw new CommandFailedError(
    `${wanted} was not found: install the docker compose plugin or docker-compose, or change dualEnv.composeCommand.`,
    null,
    '',
  );
}

export interface ComposeProject {
  file: string;
  projectName: string;
  /** Folder Compose resolves relative paths and .env against. */
  projectDir: string;
  /** Files merged over `file`, in order (the production build's contexts in a clean export, say). */
  overrides?: readonly string[];
}

/** The argument array for one Compose invocation on a project. */
export function composeArgs(compose: ComposeCommand, project: ComposeProject, args: readonly string[]): string[] {
  return [
    ...compose.prefix,
    '--file', project.file,
    ...(project.overrides ?? []).flatMap((override) => ['--file', override]),
    '--project-name', project.projectName,
    '--project-directory', project.projectDir,
    ...args,
  ];
}

export function runCompose(compose: ComposeCommand, project: ComposeProject, args: readonly string[], options: RunOptions = {}) {
  return runProcess(compose.program, composeArgs(compose, project, args), { cwd: project.projectDir, ...options });
}
