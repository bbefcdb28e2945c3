// Runtime strings of the tree and the status bar go through `l10n.t`, VS Code's
// vscode.l10n.t once activate() has handed it over. The item modules are pure (unit-tested
// under Node, where there is no vscode module), so they cannot import vscode themselves;
// until then, and under Node, the English message gets its `{0}` placeholders filled in,
// exactly as vscode.l10n.t does when no translation is installed.

/** vscode.l10n.t's positional form: a whole sentence with `{0}`, `{1}` placeholders. */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

export function english(message: string, ...args: Array<string | number | boolean>): string {
  return message.replace(/\{(\d+)\}/g, (placeholder, index: string) => (Number(index) < args.length ? String(args[Number(index)]) : placeholder));
}

export const l10n: { t: Translate } = { t: english };

/** Called once by activate() with vscode.l10n.t. */
export function useTranslations(translate: Translate): void {
  l10n.t = translate;
}
