import fs from 'node:fs';
import type { Remedy } from '../common/remedies';
import { runCompose } from '../compose/composeCommand';
import { composeEnvironment, type ComposeTarget } from '../compose/composeRunner';
import { requiredButUnset, type DualEnvConfig, type Environment } from '../config';
import { DeployRefusedError } from './deployPreflight';
import { targetFor, type OperationDeps } from './operationContext';

/** Why Compose cannot read the file, for people, and what they can do about it. */
export interface InterpolationProblem {
  message: string;
  remedies: Remedy[];
}

/** Compose v2 names the first variable it misses; v1 only repeats the `${…:?message}`. */
const V2_MISSING = /required variable ([A-Za-z_][A-Za-z0-9_]*) is missing a value/g;

/**
 * Compose's own check that it can interpolate the file with the environment the
 * operation will give it (`config --quiet`, v1 and v2 alike), which changes nothing.
 * Undefined when it can; else what is missing, the variables named in one sentence.
 */
export async function composeInterpolationProblem(config: DualEnvConfig, target: ComposeTarget, environment: Environment, signal?: AbortSignal): Promise<InterpolationProblem | undefined> {
  const env = composeEnvironment(target);
  const result = await runCompose(target.compose, target.project, ['config', '--quiet'], { env, signal, redact: target.secrets });
  if (result.exitCode === 0) return undefined;
  const output = (result.stderr || result.stdout).trim();
  const named = [...output.matchAll(V2_MISSING)].map((match) => match[1]);
  let text = '';
  try {
    text = fs.readFileSync(config.file, 'utf8');
  } catch {
    // Compose says what it cannot read
  }
  // what Compose sees: .env (in config.variables), overridden by the child's environment
  const missing = [...new Set([...named, ...requiredButUnset(text, { ...config.variables, ...env })])];
  return describeInterpolationProblem(config, environment, missing, output);
}

/** The refusal for `missing` variables (those of the environment operated on first), or Compose's own words when none is known. */
export function describeInterpolationProblem(config: DualEnvConfig, environment: Environment, missing: readonly string[], composeOutput: string): InterpolationProblem {
  if (missing.length === 0) {
    const said = composeOutput.split('\n').map((line) => line.trim()).filter(Boolean).at(-1) ?? 'no reason given';
    return { message: `Compose cannot read ${config.file} (${said.replace(/\.$/, '')}); nothing was changed.`, remedies: [] };
  }
  const owner = (variable: string) => config.environments.find((e) => e.database?.passwordVariable === variable || e.database?.rootPasswordVariable === variable);
  const ordered = [...missing].sort((x, y) => Number(owner(y) === environment) - Number(owner(x) === environment));
  const described = ordered.map((variable) => {
    const database = owner(variable)?.database;
    if (!database) return variable;
    return `${variable} (${owner(variable)!.label}'s database ${database.rootPasswordVariable === variable ? 'root ' : ''}password)`;
  });
  const passwords = ordered.filter((variable) => owner(variable));
  const first = passwords[0];
  const others = ordered.filter((variable) => !owner(variable));
  // a password has its remedy (the secret storage in VS Code); any other variable goes in the environment or .env
  const where = others.length > 0 ? `; define ${others.join(' and ')} in the environment or in .env beside it` : '';
  return {
    message: `Compose cannot read ${config.file} for ${environment.label}: ${listed(described)} ${ordered.length === 1 ? 'is' : 'are'} not set${where}; nothing was changed.`,
    remedies: first ? [{ kind: 'setDatabasePassword', environment: owner(first)!.name, variable: first }] : [],
  };
}

const listed = (items: readonly string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/**
 * Refuses the operation, before it changes anything, when Compose could not
 * interpolate the file with the variables the operation gives it: a deploy would
 * otherwise back up, commit, tag and push, and only then fail at the build.
 */
export async function refuseUnlessComposeCanInterpolate(deps: Pick<OperationDeps, 'config' | 'compose'>, environment: Environment, signal: AbortSignal, commit?: { hash: string; shortHash: string }): Promise<void> {
  const problem = await composeInterpolationProblem(deps.config, targetFor(deps, environment, commit?.hash, commit?.shortHash), environment, signal);
  if (problem) throw new DeployRefusedError(problem.message, { remedies: problem.remedies });
}
