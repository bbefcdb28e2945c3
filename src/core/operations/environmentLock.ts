// One lock per environment wherever the environment runs: a file in the checkout for an
// environment on this machine's engine (lock.ts), a container on the engine for one on a
// server (serverState.ts), since a file on one laptop excludes nobody on another.
import type Docker from 'dockerode';
import { DockerUnreachableError, DualEnvError, errorMessage } from '../common/errors';
import type { Remedy } from '../common/remedies';
import type { DualEnvConfig, Environment } from '../config';
import { dockerClientFor, dockerHostLabel } from '../docker/client';
import { dockerHostOf, isRemoteEngine } from '../docker/dockerHost';
import { createLockContainer, imageOnEngine, readLockContainer, removeLockContainer, serverStateNames } from '../docker/serverState';
import { acquireLock, describeHolder, LockedError, lockHolder, newHolder, removeLockOf, type LockHolder } from './lock';

export interface HeldLock {
  holder: LockHolder;
  /** Removes the lock if it is still this holder's; rejects in one sentence when the server cannot be reached. */
  release(): Promise<void>;
}

const LABEL = 'dual-env.lock.';
const FIELDS = ['user', 'hostname', 'pid', 'operation', 'startedAt', 'token'] as const;

/** The holder as the lock container's labels. */
export function holderLabels(holder: LockHolder): Record<string, string> {
  return Object.fromEntries(FIELDS.map((field) => [`${LABEL}${field}`, String(holder[field])]));
}

/** The holder named by a lock container's labels; undefined when they do not name one (not made by Dual Env, or damaged). */
export function holderFromLabels(labels: Record<string, string>): LockHolder | undefined {
  const value = (field: string) => labels[`${LABEL}${field}`];
  const pid = Number(value('pid'));
  if (!value('token') || !Number.isInteger(pid)) return undefined;
  return { user: value('user') ?? '?', hostname: value('hostname') ?? '?', pid, operation: value('operation') ?? '?', startedAt: value('startedAt') ?? '?', token: value('token') };
}

/** The refusal when the lock on the server is held: who, since when, and the way out when that holder is gone. */
export function serverLockedMessage(environment: string, host: string, holder: LockHolder | undefined): string {
  const who = holder ? describeHolder(holder) : 'an operation that left no readable holder';
  return `${environment} is busy: ${who}; try again when it has finished. Its lock is on ${host}, where Dual Env cannot tell whether that process still runs; if it is gone, remove the lock.`;
}

function docker(environment: Environment, given?: Docker): Docker {
  return given ?? dockerClientFor(environment);
}

/**
 * Takes the environment's lock for `operation`, or refuses naming who holds it. On a
 * server the lock is a container named after the project and environment, created and
 * never started: Docker refuses a second container of that name, so exactly one
 * teammate's create succeeds.
 */
export async function acquireEnvironmentLock(config: DualEnvConfig, environment: Environment, operation: string, engine?: Docker): Promise<HeldLock> {
  if (!isRemoteEngine(environment)) {
    const lock = acquireLock(config.projectDir, environment.name, operation);
    return { holder: lock.holder, release: async () => lock.release() };
  }
  const client = docker(environment, engine);
  const name = serverStateNames(config.projectName, environment.name).lockContainer;
  const holder = newHolder(operation);
  const image = await imageOnEngine(client, config.projectName, environment.services, environment.database?.service);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createLockContainer(client, name, image, holderLabels(holder))) {
      return { holder, release: () => releaseServerLock(client, name, holder.token) };
    }
    const current = await readLockContainer(client, name);
    if (!current) continue; // released in between: try again
    const other = holderFromLabels(current.labels);
    throw new LockedError(serverLockedMessage(environment.name, dockerHostLabel(client), other), other, { remedies: [{ kind: 'unlock', environment: environment.name }] });
  }
  throw new LockedError(`${environment.name} is busy: other Dual Env operations keep taking its lock on ${dockerHostLabel(client)}; try again in a moment.`);
}

async function releaseServerLock(client: Docker, name: string, token: string): Promise<void> {
  const current = await readLockContainer(client, name);
  if (current && holderFromLabels(current.labels)?.token === token) await removeLockContainer(client, current.id);
}

/** Releases a lock at the end of an operation, whose outcome stands: a lock that stayed is said, never thrown over that outcome. False when it stayed. */
export async function releaseLock(lock: HeldLock, environment: Environment, log: (line: string) => void): Promise<boolean> {
  try {
    await lock.release();
    return true;
  } catch (error) {
    log(`The lock of ${environment.name} could not be removed (${errorMessage(error)}); it names this operation until it is removed.`);
    return false;
  }
}

/** What an operation that could not remove its lock leaves behind, for the sentence that says so. */
export interface LockLeft {
  /** What the operation is called: "deploy", "rollback", "stop" (this deploy's lock). */
  noun: string;
  /** The environment still runs what it ran: said first, so nobody rolls back what was never replaced. */
  untouched?: boolean;
  /** The step the operation's history line says it stopped at. */
  stoppedAt?: string;
}

/**
 * An operation that failed and could not remove its lock either: the engine stopped
 * answering (an SSH connection dropped, the server gone). Its one sentence goes on to say
 * what the environment runs (when known), that the lock stays naming this operation,
 * where the history says it stopped, and the way out once the server answers. The error
 * keeps its class (a ProductionChangedError still carries its backup), so it is amended.
 */
export function sayLockStays(error: unknown, environment: Environment, left: LockLeft): Error {
  const amended = error instanceof DualEnvError ? error : new DockerUnreachableError(errorMessage(error), { cause: error });
  const remote = isRemoteEngine(environment);
  const where = remote ? `on ${dockerHostOf(environment)}` : 'in this checkout';
  const untouched = left.untouched ? `${environment.label} still runs what it ran (nothing was replaced), but ` : '';
  const history = left.stoppedAt ? ` and its history line says it stopped at step ${left.stoppedAt}` : '';
  amended.message = `${amended.message.replace(/[.;\s]+$/, '')}; ${untouched}this ${left.noun}'s lock stays ${where}${history}: ${remote ? 'once the server answers, ' : ''}check ${environment.label} and remove the lock.`;
  // remedies are data the adapters offer; the lock's removal joins what the error already offers
  (amended as { remedies: readonly Remedy[] }).remedies = [...amended.remedies, { kind: 'unlock', environment: environment.name }];
  return amended;
}

/**
 * Runs `body` holding `lock` and releases it however the body ends. A body that failed
 * with a lock that could not be removed ends in one sentence: its failure, then what
 * stays (`left`, asked then) and the way out.
 */
export async function holdingLock<T>(lock: HeldLock, environment: Environment, log: (line: string) => void, body: () => Promise<T>, left: () => LockLeft): Promise<T> {
  let result: T;
  try {
    result = await body();
  } catch (error) {
    if (await releaseLock(lock, environment, log)) throw error;
    throw sayLockStays(error, environment, left());
  }
  await releaseLock(lock, environment, log);
  return result;
}

/** Runs `body` holding the environment's lock for `operation` (the holder's words), releasing it however the body ends; `noun` names it in a sentence. */
export async function withEnvironmentLock<T>(config: DualEnvConfig, environment: Environment, operation: string, noun: string, body: (lock: HeldLock) => Promise<T>, log: (line: string) => void = () => undefined): Promise<T> {
  const lock = await acquireEnvironmentLock(config, environment, operation);
  return holdingLock(lock, environment, log, () => body(lock), () => ({ noun }));
}

/** Who holds the environment's lock now, if anyone; a lock whose holder cannot be read counts as held by an unknown holder. */
export async function environmentLockHolder(config: DualEnvConfig, environment: Environment, engine?: Docker): Promise<{ held: boolean; holder?: LockHolder }> {
  if (!isRemoteEngine(environment)) {
    const holder = lockHolder(config.projectDir, environment.name);
    return { held: holder !== undefined, holder };
  }
  const current = await readLockContainer(docker(environment, engine), serverStateNames(config.projectName, environment.name).lockContainer);
  return { held: current !== undefined, holder: current && holderFromLabels(current.labels) };
}

/**
 * Removes the lock a person was shown and agreed to remove: only if it is still that
 * holder's (its token), so a lock taken meanwhile by someone else stays. False when
 * it was not removed for that reason.
 */
export async function removeEnvironmentLock(config: DualEnvConfig, environment: Environment, token: string | undefined, engine?: Docker): Promise<boolean> {
  if (!isRemoteEngine(environment)) {
    if (token !== undefined) return removeLockOf(config.projectDir, environment.name, token);
    return false;
  }
  const client = docker(environment, engine);
  const current = await readLockContainer(client, serverStateNames(config.projectName, environment.name).lockContainer);
  if (!current || holderFromLabels(current.labels)?.token !== token) return false;
  await removeLockContainer(client, current.id);
  return true;
}
