import fs from 'node:fs';

/**
 * Whether a directory fsync failed only because the platform cannot do it:
 * Windows refuses to sync a directory opened read-only (EPERM, or EISDIR or
 * EINVAL depending on the Node version; nodejs/node#3879), and Node offers no
 * other way there. Elsewhere every error is real.
 */
export function isUnsupportedDirectorySync(error: unknown, platform: NodeJS.Platform = process.platform): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return platform === 'win32' && (code === 'EPERM' || code === 'EISDIR' || code === 'EINVAL');
}

/** Flushes a directory's entries to disk, so a file created or renamed in it survives a crash (where the platform allows it). */
export async function fsyncDirectory(directory: string): Promise<void> {
  try {
    const handle = await fs.promises.open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    // without it a backup on Windows could never be published; its files themselves were fsynced
    if (!isUnsupportedDirectorySync(error)) throw error;
  }
}
