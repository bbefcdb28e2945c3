export type Engine = typeof import('../core/engine');

let loaded: Promise<Engine> | undefined;

/** dist/engine.js, required once on first use, so that activate() does not parse dockerode, mysql2 and simple-git. */
export function loadEngine(): Promise<Engine> {
  // a plain require inside a function: the bundle is CommonJS, and scripts/build.mjs turns this
  // path into require('./engine'), which Node resolves beside dist/extension.js at run time
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= Promise.resolve().then(() => require('../core/engine') as Engine);
  return loaded;
}
