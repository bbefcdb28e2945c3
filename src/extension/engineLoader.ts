export type Engine = typeof import('./engine');

let loaded: Promise<Engine> | undefined;

/** dist/engine.js, required once on first use (scripts/build.mjs keeps it out of dist/extension.js). */
export function loadEngine(): Promise<Engine> {
  // a plain require: the bundle is CommonJS, and esbuild leaves this path to Node at run time
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= Promise.resolve().then(() => require('./engine') as Engine);
  return loaded;
}
