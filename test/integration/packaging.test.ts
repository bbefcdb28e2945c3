// The .vsix holds only what runs, stays small, and declares what VS Code needs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runChecked } from '../../src/core/common/process';
import { repoRoot } from '../rig';

const MAX_VSIX_BYTES = 1.5 * 1024 * 1024;

describe('extension package', () => {
  it('ships only dist, media, the l10n bundle, README, LICENSE, package.json and its package.nls.json, under 1.5 MB', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-vsix-'));
    try {
      const vsix = path.join(out, 'dual-env.vsix');
      const vsce = path.join(repoRoot, 'node_modules', '.bin', 'vsce');
      await runChecked(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '-o', vsix], 'vsce package', { cwd: repoRoot });
      assert.ok(fs.statSync(vsix).size < MAX_VSIX_BYTES, `vsix is ${fs.statSync(vsix).size} bytes`);
      const listed = await runChecked(vsce, ['ls', '--no-dependencies'], 'vsce ls', { cwd: repoRoot });
      const files = listed.stdout.trim().split('\n').map((f) => f.trim()).filter(Boolean);
      // dist/cli.js and dist/extension.js both require dist/engine.js at run time
      for (const file of ['dist/extension.js', 'dist/engine.js', 'dist/cli.js']) assert.ok(files.includes(file), `${file} missing from: ${files.join(', ')}`);
      for (const file of files) assert.match(file, /^(dist\/|media\/|l10n\/|README\.md$|LICENSE$|package\.json$|package\.nls\.json$)/, `unexpected file in the package: ${file}`);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('activates without loading a third-party package: dist/extension.js bundles none (the engine, YAML included, loads after)', () => {
    const map = JSON.parse(fs.readFileSync(path.join(repoRoot, 'dist', 'extension.js.map'), 'utf8')) as { sources: string[] };
    assert.ok(map.sources.some((source) => source.includes('src/extension/extension.ts')), 'the map is the extension bundle\'s');
    assert.deepEqual(map.sources.filter((source) => source.includes('node_modules')), []);
  });

  it('declares the manifest fields VS Code and npm need', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    assert.equal(manifest.name, 'dual-env');
    assert.equal(manifest.main, './dist/extension.js');
    assert.equal(manifest.bin['dual-env'], './dist/cli.js');
    assert.match(manifest.engines.vscode, /^\^1\.(\d+)\.0$/);
    assert.ok(Number(/^\^1\.(\d+)/.exec(manifest.engines.vscode)?.[1]) <= 100, 'engines.vscode must allow VS Code 1.100');
    assert.deepEqual(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    // it drives Docker, Compose and git where the files are: under Remote-SSH, WSL or a dev container, on the remote side
    assert.deepEqual(manifest.extensionKind, ['workspace']);
    assert.equal(manifest.capabilities.virtualWorkspaces.supported, false);
    assert.ok(manifest.contributes.viewsContainers.activitybar.some((c: { id: string }) => c.id === 'dualEnv'));
    // names and categories are localized: %keys% that package.nls.json (shipped beside package.json) defines
    const nls = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const text = (value: string) => /^%.+%$/.test(value) ? nls[value.slice(1, -1)] : value;
    assert.ok(manifest.contributes.views.dualEnv.some((v: { name: string }) => text(v.name) === 'Environments'));
    for (const command of manifest.contributes.commands) assert.equal(text(command.category), 'Dual Env');
  });

  it('runs the bundled CLI: --version and a usage error exit code', async () => {
    const cli = path.join(repoRoot, 'dist', 'cli.js');
    const version = await runChecked(process.execPath, [cli, '--version'], 'dual-env --version');
    assert.equal(version.stdout.trim(), JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version);
    const { runProcess } = await import('../../src/core/common/process');
    const bad = await runProcess(process.execPath, [cli, 'no-such-command']);
    assert.equal(bad.exitCode, 2);
  });

  it('ends quietly when the reader closes its output early (`dual-env … | head`)', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'status', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // the read end is gone before the CLI writes: its first write fails with EPIPE
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });
});
