/**
 * What a service's log follower has shown, so that a re-attach (restart,
 * recreation, engine reconnect) repeats nothing and loses nothing. Docker's
 * `since` includes lines at that very time, and a timestamp is not unique: a
 * stdout and a stderr line, or two quick writes, can share one. So time alone
 * decides only for older lines; at the newest time shown, a line is a repeat
 * only if that same line (stream and text) was shown at that time before.
 */
export class SeenLines {
  private newest: bigint | undefined;
  /** Lines shown at `newest`, as stream and text. */
  private atNewest: string[] = [];
  /** The boundary of the current attach: lines up to it came before. */
  private boundary: bigint | undefined;
  /** Lines shown at `boundary` before this attach, each to be skipped once. */
  private repeats = new Map<string, number>();

  /** Nanoseconds of the newest line shown, where the next attach starts. */
  get since(): bigint | undefined {
    return this.newest;
  }

  /** A new attach begins: what it replays at the boundary was shown already. */
  reattach(): void {
    this.boundary = this.newest;
    this.repeats = new Map();
    for (const key of this.atNewest) this.repeats.set(key, (this.repeats.get(key) ?? 0) + 1);
  }

  /** Whether to show a line at `nanos`; a shown line is remembered. */
  admit(nanos: bigint, stream: string, text: string): boolean {
    const key = `${stream}\n${text}`;
    if (this.boundary !== undefined && nanos < this.boundary) return false;
    if (nanos === this.boundary) {
      const left = this.repeats.get(key) ?? 0;
      if (left > 0) {
        this.repeats.set(key, left - 1);
        return false;
      }
    }
    if (this.newest === undefined || nanos > this.newest) {
      this.newest = nanos;
      this.atNewest = [];
    }
    if (nanos === this.newest) this.atNewest.push(key);
    return true;
  }
}
