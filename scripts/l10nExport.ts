// npm run l10n:export — writes l10n/bundle.l10n.json, the English source bundle translators
// start from, from every `l10n.t('…')` in src/extension. Refuses while a call's message is not
// a string literal, as that message could not be translated.
import fs from 'node:fs';
import path from 'node:path';
import { bundlePath, bundleText, repoRoot, scanL10nCalls } from './l10nMessages';

const { messages, dynamicCalls } = scanL10nCalls();
if (dynamicCalls.length > 0) {
  for (const call of dynamicCalls) console.error(`${call.file}:${call.line}: l10n.t needs a string literal as its message: ${call.text}`);
  process.exit(1);
}
fs.mkdirSync(path.dirname(bundlePath), { recursive: true });
fs.writeFileSync(bundlePath, bundleText(messages));
console.log(`${path.relative(repoRoot, bundlePath)}: ${messages.size} messages.`);
