// Answers the extension's questions from a script, in order (after vscode-azuretools'
// TestUserInput): a quick pick by item label, an input box by value, a modal by the
// title of the button pressed. A question the script did not expect fails the test.
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { UserInput } from '../../../src/extension/userInput';

export type Answer = { pick: string } | { input: string } | { confirm: string } | { error: string | undefined };

export class ScriptedUserInput implements UserInput {
  /** The questions asked, in order: `pick: title`, `confirm: message`. */
  readonly asked: string[] = [];
  /** The labels each quick pick offered, and the buttons of each error, in order. */
  readonly offered: string[][] = [];
  /** The detail text of each modal confirmation, in order. */
  readonly details: string[] = [];
  private readonly answers: Answer[];

  constructor(answers: Answer[]) {
    this.answers = [...answers];
  }

  private next<K extends 'pick' | 'input' | 'confirm' | 'error'>(kind: K, question: string): Extract<Answer, Record<K, unknown>> {
    this.asked.push(`${kind}: ${question}`);
    const answer = this.answers.shift();
    assert.ok(answer && kind in answer, `the extension asked "${question}" (${kind}) but the script answers ${JSON.stringify(answer)}`);
    return answer as Extract<Answer, Record<K, unknown>>;
  }

  async pick<T extends vscode.QuickPickItem>(items: readonly T[], options: { title: string }): Promise<T | undefined> {
    this.offered.push(items.map((i) => i.label));
    const { pick } = this.next('pick', options.title);
    const item = items.find((i) => i.label === pick);
    assert.ok(item, `"${options.title}" offers ${items.map((i) => i.label).join(', ')}, not ${pick}`);
    return item;
  }

  async input(options: { title: string }): Promise<string | undefined> {
    return this.next('input', options.title).input;
  }

  async confirm(message: string, options: { detail: string; confirm: string }): Promise<boolean> {
    this.details.push(options.detail);
    return this.next('confirm', message).confirm === options.confirm;
  }

  async error(message: string, actions: readonly string[]): Promise<string | undefined> {
    this.offered.push([...actions]);
    const { error } = this.next('error', message);
    assert.ok(error === undefined || actions.includes(error), `"${message}" offers ${actions.join(', ')}, not ${error}`);
    return error;
  }

  /** Every scripted answer was used. */
  assertDone(): void {
    assert.deepEqual(this.answers, [], `unused answers; the extension asked: ${this.asked.join(' | ')}`);
  }
}
