// A real VS Code for the e2e and extension-host suites: code-server (installed by
// scripts/e2e/install-code-server.sh into .vscode-test/) on 127.0.0.1, driven by
// Debian's Chromium through playwright-core, with nothing reaching past loopback.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const artifactsDir = path.join(repoRoot, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** User settings of every test profile: no tips, no telemetry, no updates, no watching of dependencies. */
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'npm.fetchOnlinePackageInfo': false,
  'git.autoRepositoryDetection': false,
  'security.workspace.trust.enabled': false,
  'files.watcherExclude': { '**/node_modules/**': true, '**/.vscode-test/**': true, '**/.rig/**': true, '**/.git/**': true },
};

let installedBin: string | undefined;

/** The code-server binary, installed on first use (idempotent script). */
export function codeServerBin(): string {
  if (installedBin) return installedBin;
  const result = spawnSync('bash', [path.join(repoRoot, 'scripts/e2e/install-code-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const bin = result.stdout.trim().split('\n').at(-1);
  if (result.status !== 0 || !bin || !fs.existsSync(bin)) {
    throw new Error('code-server could not be installed; run scripts/e2e/install-code-server.sh as root and read its message.');
  }
  installedBin = bin;
  return bin;
}

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Installs the packaged VSIX into a fresh extensions folder, the way a user would. */
export function installVsix(vsix = path.join(repoRoot, 'dual-env.vsix')): string {
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} does not exist; run npm run package first.`);
  const extensionsDir = tempDir('dual-env-ext-');
  const userDataDir = tempDir('dual-env-install-');
  try {
    const result = spawnSync(codeServerBin(), ['--user-data-dir', userDataDir, '--config', path.join(userDataDir, 'config.yaml'),
      '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'], { encoding: 'utf8', env: { ...process.env, EXTENSIONS_GALLERY: '{}' } });
    if (result.status !== 0) throw new Error(`code-server could not install ${vsix}: ${(result.stderr || result.stdout).trim()}`);
  } finally {
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  return extensionsDir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface CodeServer {
  url: string;
  /** host:port, for vscode-remote:// URIs. */
  authority: string;
  output(): string;
  /** The last lines of the extension's own log channel (Dual Env), for a failure to say what the extension did. */
  extensionLog(lines?: number): string;
  stop(): Promise<void>;
}

/** The newest `Dual Env.log` under a code-server profile's logs (one folder per session, one per extension host). */
function extensionLogTail(userDataDir: string, lines: number): string {
  const logs = path.join(userDataDir, 'logs');
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && depth < 4) walk(full, depth + 1);
      else if (entry.name === 'Dual Env.log') found.push(full);
    }
  };
  walk(logs, 0);
  const newest = found.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  if (!newest) return '(no Dual Env log yet)';
  // more than one log means the extension host started again (a crash) while the test ran
  const which = `(${path.relative(logs, newest)}, last written ${new Date(fs.statSync(newest).mtimeMs).toISOString()}, ${found.length} Dual Env log(s) in this profile)`;
  return `${which}\n${fs.readFileSync(newest, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')}`;
}

/** Starts code-server on a free loopback port with a fresh profile; the extensions folder is removed on stop. */
export async function startCodeServer(options: { extensionsDir?: string; settings?: Record<string, unknown>; env?: NodeJS.ProcessEnv; workspaceTrust?: boolean } = {}): Promise<CodeServer> {
  const userDataDir = tempDir('dual-env-ud-');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  // with workspace trust on, a folder opens in restricted mode (no prompt) until someone trusts it
  const trust = options.workspaceTrust ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {};
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...SETTINGS, ...trust, ...options.settings }, null, 2));
  const extensionsDir = options.extensionsDir ?? tempDir('dual-env-ext-');
  const port = await freePort();
  const child = spawn(codeServerBin(), [
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override', '--ignore-last-opened',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--config', path.join(userDataDir, 'config.yaml'),
  ], { env: { ...process.env, EXTENSIONS_GALLERY: '{}', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    // code-server's own children (extension host, watchers) may write its storage for a moment after it exits
    for (const dir of [userDataDir, extensionsDir]) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  };
  const url = `http://127.0.0.1:${port}`;
  for (const end = Date.now() + 60_000; ;) {
    const ready = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ready) break;
    if (child.exitCode !== null || Date.now() > end) {
      await stop();
      throw new Error(`code-server did not start on 127.0.0.1:${port}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, authority: `127.0.0.1:${port}`, output: () => output, extensionLog: (lines = 20) => extensionLogTail(userDataDir, lines), stop };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Requests the page tried to send past loopback (all aborted). */
  blocked: string[];
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile; every request to a non-loopback address is aborted. */
export async function launchBrowser(): Promise<Browser> {
  const profile = tempDir('dual-env-chromium-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 850 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'],
  });
  const blocked: string[] = [];
  const loopback = (url: URL) => !/^(https?|wss?):$/.test(url.protocol) || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  await context.route((url) => !loopback(url), (route) => {
    blocked.push(route.request().url());
    return route.abort();
  });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context, page, blocked,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The workbench URL opening `folder`; `payload` carries the extension-development options. */
/** The workbench on `folder`, or on a multi-root workspace when it is a `.code-workspace` file. */
export function workbenchUrl(server: CodeServer, folder: string, payload?: [string, string][]): string {
  const query = `?${folder.endsWith('.code-workspace') ? 'workspace' : 'folder'}=${encodeURIComponent(folder)}`;
  return `${server.url}/${query}${payload ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ''}`;
}

/** Where a test saves a screenshot or a transcript (git-ignored, kept by CI). */
export function artifactPath(name: string): string {
  fs.mkdirSync(artifactsDir, { recursive: true });
  return path.join(artifactsDir, name);
}
