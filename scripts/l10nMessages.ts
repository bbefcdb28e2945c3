// The runtime strings of the extension, read from its source the way `@vscode/l10n-dev export`
// reads them, so that l10n/bundle.l10n.json is written (scripts/l10nExport.ts) and checked
// (test/unit/extension/l10nBundle.test.ts) without a dependency beyond the TypeScript compiler.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const repoRoot = path.join(__dirname, '..');
export const extensionSource = path.join(repoRoot, 'src', 'extension');
export const bundlePath = path.join(repoRoot, 'l10n', 'bundle.l10n.json');

/** A `l10n.t` call whose first argument is not a string literal: a translator could never see its message. */
export interface DynamicCall {
  file: string;
  line: number;
  text: string;
}

export interface L10nScan {
  messages: Set<string>;
  dynamicCalls: DynamicCall[];
  /** Calls whose arguments do not fill the message's `{0}`…`{n}` exactly: a `{1}` would reach the screen, or a value would be lost. */
  mismatchedCalls: DynamicCall[];
}

/** How many arguments a message takes: one past its highest `{n}`. */
export function placeholderCount(message: string): number {
  return Math.max(0, ...[...message.matchAll(/\{(\d+)\}/g)].map((match) => Number(match[1]) + 1));
}

function sourceFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name) ? [full] : [];
  }).sort();
}

/** `l10n.t(…)` and `vscode.l10n.t(…)`: a call of `t` on something named `l10n`. */
function isL10nCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return false;
  const { expression: owner, name } = node.expression;
  if (name.text !== 't') return false;
  return (ts.isIdentifier(owner) && owner.text === 'l10n') || (ts.isPropertyAccessExpression(owner) && owner.name.text === 'l10n');
}

function callAt(source: ts.SourceFile, node: ts.Node): DynamicCall {
  const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
  return { file: path.relative(repoRoot, source.fileName), line: line + 1, text: node.getText(source) };
}

/** Every message of every `l10n.t` call under `folder`, and the calls whose message is not a literal. */
export function scanL10nCalls(folder: string = extensionSource): L10nScan {
  const messages = new Set<string>();
  const dynamicCalls: DynamicCall[] = [];
  const mismatchedCalls: DynamicCall[] = [];
  for (const file of sourceFiles(folder)) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const visit = (node: ts.Node): void => {
      if (isL10nCall(node)) {
        const first = node.arguments[0];
        if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) messages.add(first.text);
        else {
          dynamicCalls.push(callAt(source, node));
        }
        const spread = node.arguments.some((argument) => ts.isSpreadElement(argument));
        if (first && ts.isStringLiteralLike(first) && !spread && node.arguments.length - 1 !== placeholderCount(first.text)) mismatchedCalls.push(callAt(source, node));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { messages, dynamicCalls, mismatchedCalls };
}

/** The English bundle as `@vscode/l10n-dev export` writes it: each message is its own key and value. */
export function englishBundle(messages: Iterable<string>): Record<string, string> {
  return Object.fromEntries([...messages].sort().map((message) => [message, message]));
}

export function bundleText(messages: Iterable<string>): string {
  return `${JSON.stringify(englishBundle(messages), null, 2)}\n`;
}
