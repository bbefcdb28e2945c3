import type { ProgressReporter } from '../common/progress';
import type { DumpProgress } from './dumpWriter';

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

/** A dump's progress as the backup step's lines (at most four a second, the last always), wherever the dump is written. */
export function dumpProgressLines(report: ProgressReporter, startedMs: number): { onProgress: (p: DumpProgress) => void; onNote: (message: string) => void } {
  let lastReport = 0;
  return {
    onProgress: (p) => {
      const now = Date.now();
      if (now - lastReport < 250 && p.tablesDone < p.tablesTotal) return;
      lastReport = now;
      const fraction = p.estimatedRows > 0 ? Math.min(0.99, p.rows / p.estimatedRows) : p.tablesDone / Math.max(1, p.tablesTotal);
      report.running('backup', `${p.tablesDone}/${p.tablesTotal} tables · ${formatCount(p.rows)} rows · ${formatBytes(p.bytes)} · ${formatRate(p.bytes, now - startedMs)}`, fraction);
    },
    onNote: (message) => report.running('backup', message),
  };
}
