// Requests through the deployed project's health-checked front while a deploy runs:
// what the deploy tests count as served or failed.

/** Requests through the front, from `loops` clients, until stopped: how many answered 200 with which body, and every failure. */
export function driveRequests(url: string, loops: number) {
  let stopped = false;
  const bodies = new Map<string, number>();
  const failures: string[] = [];
  const loop = async () => {
    while (!stopped) {
      try {
        const answer = await fetch(url, { signal: AbortSignal.timeout(10_000) });
        const body = (await answer.text()).trim();
        if (answer.status === 200) bodies.set(body, (bodies.get(body) ?? 0) + 1);
        else failures.push(`${answer.status} ${body.slice(0, 80)}`);
      } catch (error) {
        failures.push(String(error));
      }
    }
  };
  const running = Promise.all(Array.from({ length: loops }, loop));
  return { stop: async () => { stopped = true; await running; return { bodies, failures }; } };
}
