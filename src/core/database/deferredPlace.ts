import type { BackupPlace } from './backupPlace';

/**
 * A backup place known only once something is asked (the engine of the node a Swarm
 * database runs on): every call first waits for `resolve`, once, then goes to the
 * place it gave. `where` names it before that. A failed resolution is asked again
 * by the next call: the node may answer by then.
 */
export function deferredPlace(where: string, resolve: () => Promise<BackupPlace>): BackupPlace {
  let resolving: Promise<BackupPlace> | undefined;
  const place = () => (resolving ??= resolve().catch((error: unknown) => {
    resolving = undefined;
    throw error;
  }));
  return {
    where,
    list: async (signal) => (await place()).list(signal),
    find: async (id) => (await place()).find(id),
    verify: async (id, signal, fileOnly) => (await place()).verify(id, signal, fileOnly),
    assertRestorable: async (id, signal) => (await place()).assertRestorable(id, signal),
    create: async (source, input, signal, onProgress) => (await place()).create(source, input, signal, onProgress),
    delete: async (id) => (await place()).delete(id),
    retain: async (keep, protect) => (await place()).retain(keep, protect),
    assertWritable: async () => (await place()).assertWritable(),
    openDump: async (id) => (await place()).openDump(id),
    async pull(id, folder, signal, onProgress) {
      const resolved = await place();
      if (!resolved.pull) throw new Error(`The backups in ${resolved.where} are on this machine already.`);
      return resolved.pull(id, folder, signal, onProgress);
    },
  };
}
