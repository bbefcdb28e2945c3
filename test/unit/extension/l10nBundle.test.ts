// The English bundle is what translators start from: a runtime string missing from it is
// never translated, and a stale entry is work on a sentence no one sees.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { bundlePath, bundleText, repoRoot, scanL10nCalls } from '../../../scripts/l10nMessages';

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const bundle: Record<string, string> = JSON.parse(fs.readFileSync(bundlePath, 'utf8'));
const { messages, dynamicCalls, mismatchedCalls } = scanL10nCalls();

describe('l10n/bundle.l10n.json', () => {
  it('is where package.json points VS Code for the runtime strings, and ships in the VSIX', () => {
    assert.equal(path.resolve(repoRoot, manifest.l10n), path.dirname(bundlePath));
    const ignore = fs.readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8').split('\n').map((line) => line.trim());
    assert.ok(ignore.includes('!l10n/**'), '.vscodeignore leaves l10n/ out of the VSIX');
  });

  it('holds every l10n.t message of src/extension', () => {
    const missing = [...messages].filter((message) => !(message in bundle));
    assert.deepEqual(missing, [], 'run npm run l10n:export');
  });

  it('holds no message that src/extension no longer uses', () => {
    const stale = Object.keys(bundle).filter((message) => !messages.has(message));
    assert.deepEqual(stale, [], 'run npm run l10n:export');
  });

  it('is English: each message is its own translation, as the export writes it', () => {
    assert.equal(fs.readFileSync(bundlePath, 'utf8'), bundleText(messages));
  });

  it('is never asked for a message that is not a string literal', () => {
    assert.deepEqual(dynamicCalls.map((call) => `${call.file}:${call.line}: ${call.text}`), []);
  });

  it('is always given exactly the values its message has placeholders for', () => {
    assert.deepEqual(mismatchedCalls.map((call) => `${call.file}:${call.line}: ${call.text}`), []);
  });
});

describe('the l10n.t scan', () => {
  it('reads literal messages and reports a message built at run time', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-l10n-'));
    try {
      fs.writeFileSync(path.join(folder, 'sample.ts'), [
        "import * as vscode from 'vscode';",
        "import { l10n } from './l10n';",
        "export const a = l10n.t('Deploy {0}', 'x');",
        'export const b = vscode.l10n.t(`Back Up Now`);',
        "export const c = l10n.t('Roll back ' + 'now');",
        'export const d = (name: string) => l10n.t(`${name} is down`);',
        "export const e = other.t('Not a message');",
        "export const f = l10n.t('{0} of {1}', 'one');",
        "export const g = l10n.t('{0} ({1} %)', 'x', 5);",
      ].join('\n'));
      const scan = scanL10nCalls(folder);
      assert.deepEqual([...scan.messages].sort(), ['Back Up Now', 'Deploy {0}', '{0} ({1} %)', '{0} of {1}']);
      assert.deepEqual(scan.dynamicCalls.map((call) => call.line), [5, 6]);
      assert.deepEqual(scan.mismatchedCalls.map((call) => call.line), [8]);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
