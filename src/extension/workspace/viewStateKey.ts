import * as vscode from 'vscode';
import type { ViewState } from './folderGroups';

export type { ViewState } from './folderGroups';

/** The view's state and, when it is not `ready`, why, kept in step with the `dualEnv.state` context key (set only when it changes). */
export class ViewStateKey {
  private current: ViewState = 'noFolder';
  private why: string | undefined;
  private published = false;

  get state(): ViewState {
    return this.current;
  }

  /** Why the state is not `ready`, in one sentence. */
  get problem(): string | undefined {
    return this.why;
  }

  set(state: ViewState, problem: string | undefined): void {
    if (this.published && state === this.current && problem === this.why) return;
    this.published = true;
    this.current = state;
    this.why = problem;
    void vscode.commands.executeCommand('setContext', 'dualEnv.state', state);
  }
}
