/** Polls a URL until stopped, remembering every answer, to tell whether and how long it stopped answering 200. */
export function watchHttp(url: string, intervalMs = 100) {
  const samples: Array<{ at: number; ok: boolean; status: number | string }> = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
        await response.arrayBuffer();
        samples.push({ at, ok: response.status === 200, status: response.status });
      } catch (error) {
        samples.push({ at, ok: false, status: (error as Error).name });
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await loop;
      const failures = samples.filter((s) => !s.ok);
      // the longest stretch from the last 200 before a failure to the next 200
      let longestGapMs = 0;
      let lastOk: number | undefined;
      let inGap = false;
      for (const sample of samples) {
        if (sample.ok) {
          if (inGap && lastOk !== undefined) longestGapMs = Math.max(longestGapMs, sample.at - lastOk);
          lastOk = sample.at;
          inGap = false;
        } else {
          inGap = true;
        }
      }
      if (inGap && lastOk !== undefined) longestGapMs = Math.max(longestGapMs, Date.now() - lastOk);
      return { requests: samples.length, failures, longestGapMs };
    },
  };
}
