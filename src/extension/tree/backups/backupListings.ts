// The backups each environment's Backups node lists, read through the environment's
// backup place: a folder on this machine, or a volume on the server, where one listing
// costs a few SSH handshakes. So a listing is kept until something says it changed,
// read once at a time, and the tree is redrawn only when what it lists changed.
import type { BackupRecord } from '../../../core/database/manifest';

/** What the tree shows of one listing: the last backups read, and why the last read failed, if it did. */
export interface BackupListing {
  backups?: readonly BackupRecord[];
  problem?: string;
}

interface Entry extends BackupListing {
  /** How to read it, as the last caller said (the environment's place). */
  list: () => Promise<BackupRecord[]>;
  /** The reads under way; what a Backups node expanding waits for. */
  reading?: Promise<void>;
  /** Set by `invalidate`: the next look at this listing reads again. */
  stale: boolean;
  /** Asked for during a read, which may have started before the change: one more read when it ends. */
  again: boolean;
}

/** The parts of a backup that the tree shows; a listing equal in these is not redrawn. */
function shown(backups: readonly BackupRecord[] | undefined): string {
  return JSON.stringify(backups?.map((b) => [b.id, b.sizeBytes, b.complete, b.verified, b.problem, b.createdAt, b.gitCommit, b.reason, b.path]));
}

export class BackupListings {
  private readonly entries = new Map<string, Entry>();

  /**
   * `onChange` is called after a read changed what a listing shows; `describe` turns a
   * failed read into the sentence the tree shows.
   */
  constructor(private readonly onChange: () => void, private readonly describe: (error: unknown) => string) {}

  /** The listing as last read, starting a read when there is none yet or it is stale. */
  current(key: string, list: () => Promise<BackupRecord[]>): BackupListing {
    const entry = this.entry(key, list);
    return { backups: entry.backups, problem: entry.problem };
  }

  /** The backups once the read under way (if any) has ended: what expanding a Backups node shows. */
  async settled(key: string, list: () => Promise<BackupRecord[]>): Promise<BackupListing> {
    const entry = this.entry(key, list);
    await entry.reading;
    return { backups: entry.backups, problem: entry.problem };
  }

  /** Every listing is read again the next time it is looked at (after a backup, a delete, a deploy, a change on disk). */
  invalidate(keep?: (key: string) => boolean): void {
    for (const [key, entry] of this.entries) if (!keep?.(key)) entry.stale = true;
  }

  /** Forgets listings whose keys are gone (a folder closed, an environment renamed). */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.entries.keys()) if (!keys.has(key)) this.entries.delete(key);
  }

  private entry(key: string, list: () => Promise<BackupRecord[]>): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { list, stale: true, again: false };
      this.entries.set(key, entry);
    }
    entry.list = list;
    if (entry.stale) {
      entry.stale = false;
      if (entry.reading) entry.again = true;
      else entry.reading = this.readWhileAsked(key, entry);
    }
    return entry;
  }

  /** One read at a time per listing; a change during a read asks for one more. */
  private async readWhileAsked(key: string, entry: Entry): Promise<void> {
    try {
      do {
        entry.again = false;
        await this.readInto(entry);
      } while (entry.again && this.entries.get(key) === entry);
    } finally {
      entry.reading = undefined;
    }
  }

  private async readInto(entry: Entry): Promise<void> {
    const before = shown(entry.backups) + (entry.problem ?? '');
    try {
      entry.backups = await entry.list();
      entry.problem = undefined;
    } catch (error) {
      // the last backups read stay listed: a server out of reach for a moment does not empty the tree
      entry.problem = this.describe(error);
    }
    if (shown(entry.backups) + (entry.problem ?? '') !== before) this.onChange();
  }
}
