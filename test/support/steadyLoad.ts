/**
 * An open-loop load: `perSecond` requests a second to the given URLs in turn, each
 * sent when due whether or not the earlier ones have answered (a user does not wait
 * for another user), at most `maxInFlight` at once. A request fails when it is refused,
 * reset, answers anything but 200, or takes longer than `timeoutMs`; a slow answer
 * within that counts as answered. Stops by itself after `maxSeconds` as a bound.
 * `onAnswer` sees every answer's body as it arrives (which version served it).
 */
export function steadyLoad(urls: readonly string[], perSecond = 50, { timeoutMs = 10_000, maxInFlight = 200, maxSeconds = 900, onAnswer = undefined as ((url: string, body: string) => void) | undefined } = {}) {
  const failures: Array<{ at: number; url: string; status: number | string }> = [];
  let sent = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const started = Date.now();
  const one = async (url: string) => {
    const at = Date.now();
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      const body = await response.text();
      onAnswer?.(url, body);
      if (response.status !== 200) failures.push({ at, url, status: response.status });
    } catch (error) {
      // fetch says only TypeError; its cause says how the connection failed (refused, reset, closed)
      const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
      failures.push({ at, url, status: cause ? `${(error as Error).name}: ${cause.code ?? cause.message}` : (error as Error).name });
    }
  };
  const send = () => {
    const url = urls[sent % urls.length];
    sent++;
    if (inFlight >= maxInFlight) {
      failures.push({ at: Date.now(), url, status: 'too many in flight' });
      return;
    }
    inFlight++;
    const request = one(url).finally(() => { inFlight--; pending.delete(request); });
    pending.add(request);
  };
  // a timer on a busy event loop fires late: each tick sends what is due by now, so the rate holds on average
  const timer = setInterval(() => {
    const elapsed = Date.now() - started;
    if (elapsed > maxSeconds * 1000) { clearInterval(timer); return; }
    while (sent < Math.floor((elapsed * perSecond) / 1000)) send();
  }, 1000 / perSecond);
  return {
    /** Stops sending, waits for the requests in flight, and says how many of how many failed. */
    async stop() {
      clearInterval(timer);
      await Promise.all([...pending]);
      return { requests: sent, failures };
    },
  };
}
