// steadyLoad in a worker thread of its own: the bench's deploy runs in the same process, and
// its synchronous stretches (git, lock and backup files, parsing) would hold the load's
// timer, so fewer requests went out exactly while the deploy worked. A thread has its own
// event loop, so the schedule holds whatever the deploy does.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { steadyLoad } from './steadyLoad';

type Seen = Awaited<ReturnType<ReturnType<typeof steadyLoad>['stop']>>;

/** Starts the load in a worker thread; `stop()` ends it and returns what it saw, as steadyLoad's does. */
export function steadyLoadInThread(urls: readonly string[], perSecond = 50): { stop: () => Promise<Seen> } {
  // the thread loads this TypeScript file through tsx's require hook (a worker does not inherit the parent's loader)
  const boot = `require('tsx/cjs/api').register(); require(${JSON.stringify(__filename)});`;
  const worker = new Worker(boot, { eval: true, workerData: { urls, perSecond } });
  const result = new Promise<Seen>((resolve, reject) => {
    worker.once('message', (seen: Seen) => resolve(seen));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the load's thread exited with code ${code} before it reported`)));
  });
  return {
    async stop() {
      worker.postMessage('stop');
      const seen = await result;
      await worker.terminate();
      return seen;
    },
  };
}

if (!isMainThread && parentPort && workerData?.urls) {
  const port = parentPort;
  const load = steadyLoad(workerData.urls as string[], workerData.perSecond as number);
  port.once('message', () => { void load.stop().then((seen) => port.postMessage(seen)); });
}
