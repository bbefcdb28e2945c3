// Bundles the extension and the CLI with esbuild. `--watch` rebuilds on change,
// `--production` minifies (the .vsix ships only dist/).
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: production,
  logLevel: 'info',
  // mysql2 and dockerode pull optional native modules they can live without
  external: ['vscode', 'cpu-features', 'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node', '*.node'],
};

const engineEntry = path.resolve('src/core/engine.ts');
const coreDir = path.resolve('src/core') + path.sep;

/**
 * dist/engine.js is the one copy of src/core (dockerode, mysql2, simple-git, yaml…):
 * an import of src/core/engine becomes require('./engine'), resolved by Node beside
 * the bundle at run time. With `onlyThroughEngine`, any other value import of src/core
 * fails the build, so a stray import cannot ship a second copy of the engine
 * (type-only imports are erased before esbuild resolves anything, so they pass).
 */
function sharedEngine({ onlyThroughEngine = false } = {}) {
  return {
    name: 'shared-engine',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = path.resolve(args.resolveDir, args.path);
        if (target === engineEntry || `${target}.ts` === engineEntry) return { path: './engine', external: true };
        if (onlyThroughEngine && (target + path.sep).startsWith(coreDir)) {
          return { errors: [{ text: `${path.relative('.', args.importer)} imports ${args.path}: import values of src/core from src/core/engine (dist/engine.js), or use \`import type\`` }] };
        }
        return undefined;
      });
    },
  };
}

const builds = [
  // the extension requires the engine on first use (extension/engineLoader.ts), so activation stays cheap
  { ...common, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', plugins: [sharedEngine()] },
  { ...common, entryPoints: { engine: 'src/core/engine.ts' }, outdir: 'dist' },
  // the CLI is commander and its commands; everything else it finds in dist/engine.js
  { ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' }, plugins: [sharedEngine({ onlyThroughEngine: true })] },
];

// "Create docker-compose-dual-env.yml" copies the reference file the extension ships
fs.mkdirSync('dist', { recursive: true });
fs.copyFileSync('docker-compose-dual-env.yml', 'dist/docker-compose-dual-env.yml');

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
