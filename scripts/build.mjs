// Bundles the extension and the CLI with esbuild. `--watch` rebuilds on change,
// `--production` minifies (the .vsix ships only dist/).
import fs from 'node:fs';
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

const builds = [
  // the extension's engine (dockerode, mysql2, …) is a second file it loads on first use, so activation stays cheap
  { ...common, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', external: [...common.external, './engine'] },
  { ...common, entryPoints: { engine: 'src/extension/engine.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
];

// "Create docker-compose-dual-env.yml" copies the reference file the extension ships
fs.mkdirSync('dist', { recursive: true });
fs.copyFileSync('docker-compose-dual-env.yml', 'dist/docker-compose-dual-env.yml');

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
