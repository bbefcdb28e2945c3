/** Short human figures for progress lines: `45.2 MB`, `30.1 MB/s`, `1,204,331 rows`. */

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function formatRate(bytes: number, elapsedMs: number): string {
  return `${formatBytes(elapsedMs > 0 ? Math.round((bytes * 1000) / elapsedMs) : 0)}/s`;
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
