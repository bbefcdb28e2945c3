import * as vscode from 'vscode';

/** What the Environments view can show; package.json's viewsWelcome and menus match `dualEnv.state`. */
export type ViewState = 'noFolder' | 'noComposeFile' | 'configError' | 'dockerUnreachable' | 'ready';

/** The view's state and, when it is not `ready`, why, kept in step with the `dualEnv.state` context key. */
export class ViewStateKey {
  private current: ViewState = 'noFolder';
  private why: string | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  get state(): ViewState {
    return this.current;
  }

  /** Why the state is not `ready`, in one sentence. */
  get problem(): string | undefined {
    return this.why;
  }

  set(state: ViewState, problem: string | undefined): void {
    this.current = state;
    this.why = problem;
    if (problem) this.log.warn(problem);
    void vscode.commands.executeCommand('setContext', 'dualEnv.state', state);
  }
}
