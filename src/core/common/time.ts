/** `YYYYMMDD-HHMMSS` in UTC: sorts by time, safe in tags and folder names. */
export function compactTimestamp(at: Date): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}
