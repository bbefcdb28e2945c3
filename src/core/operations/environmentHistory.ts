// The deploy history of an environment, wherever it runs: the checkout's history file for
// an environment on this machine's engine; for one on a server, a file in a volume on that
// engine, so that every teammate deploying there reads the same lines. Every reader and
// writer goes through here.
import type Docker from 'dockerode';
import type { DualEnvConfig, Environment } from '../config';
import { dockerClientFor } from '../docker/client';
import { isRemoteEngine } from '../docker/dockerHost';
import { imageOnEngine, readStateFile, serverStateNames, writeStateFile } from '../docker/serverState';
import { commitOfImages } from './imageCommit';
import { previousImages } from './liveImages';
import { builtServices } from './operationContext';
import { appendHistory, lastSuccessfulIn, liveCommitIn, parseHistory, readHistory, type HistoryRecord } from './history';

const SERVER_HISTORY_FILE = 'history.jsonl';

/** The environment's deploys and rollbacks, oldest first. */
export async function readEnvironmentHistory(config: DualEnvConfig, environment: Environment, engine?: Docker): Promise<HistoryRecord[]> {
  if (!isRemoteEngine(environment)) return readHistory(config.projectDir, environment.name);
  const names = serverStateNames(config.projectName, environment.name);
  return parseHistory(await readStateFile(engine ?? dockerClientFor(environment), names, SERVER_HISTORY_FILE), environment.name);
}

/**
 * Adds one line to the environment's history. The caller holds the environment's lock:
 * on a server the file is read and written back whole (the archive API has no append),
 * which the lock makes safe against a teammate's write.
 */
export async function recordHistory(config: DualEnvConfig, environment: Environment, record: HistoryRecord, engine?: Docker): Promise<void> {
  if (!isRemoteEngine(environment)) {
    appendHistory(config.projectDir, record);
    return;
  }
  const client = engine ?? dockerClientFor(environment);
  const names = serverStateNames(config.projectName, environment.name);
  const text = await readStateFile(client, names, SERVER_HISTORY_FILE);
  // a line cut short by a dropped connection ends here, so the new line starts on its own
  const separator = text && !text.endsWith('\n') ? '\n' : '';
  const image = () => imageOnEngine(client, config.projectName, environment.services, environment.database?.service);
  await writeStateFile(client, names, image, SERVER_HISTORY_FILE, `${text}${separator}${JSON.stringify(record)}\n`);
}

/** Every environment's records, oldest first; an environment whose history cannot be read is left out and named in `unread`. */
export async function readProjectHistory(config: DualEnvConfig): Promise<{ records: HistoryRecord[]; unread: { environment: string; error: unknown }[] }> {
  const unread: { environment: string; error: unknown }[] = [];
  const each = await Promise.all(config.environments.map((environment) => readEnvironmentHistory(config, environment).catch((error: unknown) => {
    unread.push({ environment: environment.name, error });
    return [];
  })));
  // by when each line was written, as one file would hold them
  const records = each.flat().sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));
  return { records, unread };
}

/** The last successful deploy of the environment. */
export async function lastSuccessfulDeployOf(config: DualEnvConfig, environment: Environment, engine?: Docker): Promise<HistoryRecord | undefined> {
  return lastSuccessfulIn(await readEnvironmentHistory(config, environment, engine));
}

/**
 * The commit the environment runs: by its history, else by the label its built
 * services' images carry (a checkout that never deployed it still knows it).
 */
export async function liveCommitOf(config: DualEnvConfig, environment: Environment, engine?: Docker): Promise<string | undefined> {
  const recorded = liveCommitIn(await readEnvironmentHistory(config, environment, engine));
  if (recorded) return recorded;
  const docker = engine ?? dockerClientFor(environment);
  try {
    const running = await previousImages(docker, config, builtServices(config, environment).built);
    return await commitOfImages(docker, Object.values(running));
  } catch {
    // an engine that does not answer leaves the commit unknown; what asked for it goes on without
    return undefined;
  }
}
