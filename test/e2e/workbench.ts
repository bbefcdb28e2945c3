// What a person does in the workbench, as playwright steps: open our view, run a
// palette command, answer a modal dialog, read the status bar.
import type { Locator, Page } from 'playwright-core';
import { artifactPath, installVsix, launchBrowser, startCodeServer, workbenchUrl, type Browser, type CodeServer } from './harness';

const SLOW = { timeout: 60_000 };

export class Workbench {
  private constructor(readonly page: Page, private readonly server: CodeServer, private readonly browser: Browser) {}

  /**
   * code-server with the packaged VSIX installed, `folder` open (a temp copy of the
   * project, never the worktree, whose deploy history and backups would show), and
   * the extension active.
   */
  static async open(folder: string, options: { workspaceTrust?: boolean; environments?: boolean } = {}): Promise<Workbench> {
    const server = await startCodeServer({ extensionsDir: installVsix(), workspaceTrust: options.workspaceTrust });
    let browser: Browser | undefined;
    try {
      browser = await launchBrowser();
      const workbench = new Workbench(browser.page, server, browser);
      await browser.page.goto(workbenchUrl(server, folder));
      await browser.page.locator('.monaco-workbench .part.activitybar').waitFor(SLOW);
      // activated by workspaceContains: its badges are the sign it is up (a compose file that cannot be used has none)
      if (options.environments !== false) await workbench.statusBarItem('Staging').waitFor(SLOW);
      return workbench;
    } catch (error) {
      await browser?.close();
      await server.stop();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.server.stop();
    if (this.browser.blocked.length > 0) {
      throw new Error(`the workbench tried to reach past loopback: ${[...new Set(this.browser.blocked)].join(' ')}`);
    }
  }

  /** The Environments view, opened from the activity bar. */
  async environmentsView(): Promise<Locator> {
    const pane = this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: 'Environments' }) });
    if (!(await pane.isVisible())) await this.page.locator('.activitybar .action-label[aria-label^="Dual Env"]').click();
    await pane.waitFor();
    return pane;
  }

  /** A row by its label (rows are named `label, description`). */
  treeItem(view: Locator, label: string): Locator {
    return view.getByRole('treeitem', { name: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(,|$)`) });
  }

  /** The accessible names (`label, description`) of the rows at a depth of the tree. */
  async rowNames(view: Locator, level: number): Promise<string[]> {
    return view.locator(`[role=treeitem][aria-level="${level}"]`).evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? ''));
  }

  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: text });
  }

  /** A status-bar badge by what a screen reader says for it (`Staging is healthy`). */
  badge(name: string | RegExp): Locator {
    return this.page.locator('#workbench\\.parts\\.statusbar .statusbar-item').filter({ has: this.page.getByRole('button', { name, exact: true }) });
  }

  /** The accessible name of the tree row that has the keyboard focus; empty before the first arrow key. */
  async focusedRowName(view: Locator): Promise<string> {
    const row = view.locator('[role=treeitem].focused');
    return await row.count() === 0 ? '' : await row.getAttribute('aria-label') ?? '';
  }

  /**
   * Moves the keyboard focus to the tree's first row (Home), then down one arrow key at a
   * time until the focused row's name is `label` or starts with `label` and a comma.
   */
  async arrowTo(view: Locator, label: string, limit = 30): Promise<void> {
    await this.page.keyboard.press('Home');
    await view.locator('[role=treeitem][aria-posinset="1"][aria-level="1"].focused').waitFor();
    const seen: string[] = [];
    for (let step = 0; step <= limit; step++) {
      const name = await this.focusedRowName(view);
      if (name === label || name.startsWith(`${label},`)) return;
      seen.push(name);
      await this.page.keyboard.press('ArrowDown');
      // the next row takes the focus when the key has been handled; at the last row nothing moves
      const moved = view.locator(`[role=treeitem].focused:not([aria-label="${name.replace(/["\\]/g, '\\$&')}"])`);
      if (!(await moved.waitFor({ timeout: 5000 }).then(() => true, () => false))) break;
    }
    await this.screenshot('arrow-keys.png');
    throw new Error(`no row named ${label} below the focus; the keyboard went through: ${seen.join(' | ')}`);
  }

  /** The entries of the context menu open now. */
  async menuEntries(): Promise<string[]> {
    const items = this.page.getByRole('menuitem');
    await items.first().waitFor();
    return (await items.evaluateAll((elements) => elements.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''))).map((t) => t.trim()).filter(Boolean);
  }

  /** Runs a command from the palette by its full title (`Dual Env: Refresh`). */
  async runCommand(title: string): Promise<void> {
    await this.page.locator('.monaco-workbench .part.editor').click();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    // the row of that very command (an Enter while the list still filters can run another row, or none)
    // a label that ends with that title (after a category, before what a screen reader hears after a comma): another command's title can begin with it
    const quoted = title.replaceAll('"', '\\"');
    const row = this.page.locator(`.quick-input-list .monaco-list-row:is([aria-label="${quoted}"], [aria-label^="${quoted},"], [aria-label$=": ${quoted}"], [aria-label*=": ${quoted},"])`).first();
    await row.waitFor();
    await row.click();
    // accepted: the palette closed, or the command's own quick pick replaced its text
    const palette = this.page.locator('.quick-input-widget');
    for (const end = Date.now() + 10_000; await palette.isVisible() && (await input.inputValue().catch(() => '')) === `>${title}`;) {
      if (Date.now() > end) throw new Error(`the command palette did not run ${title}; it still shows it`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The titles the command palette offers for `filter` (the palette is closed again). */
  async paletteTitles(filter: string): Promise<string[]> {
    await this.page.locator('.monaco-workbench .part.editor').click();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${filter}`);
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor();
    // the list is virtualised; 40 rows fit, more than Dual Env contributes
    const titles = await rows.evaluateAll((elements) => elements.map((e) => e.getAttribute('aria-label') ?? ''));
    await this.page.keyboard.press('Escape');
    return titles.map((t) => t.split(',')[0].trim());
  }

  /** The labels the open quick pick offers, as a screen reader hears them (codicons dropped); it stays open. */
  async quickPickLabels(): Promise<string[]> {
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor();
    const labels = await rows.evaluateAll((elements) => elements.map((e) => e.querySelector('.label-name')?.textContent ?? e.getAttribute('aria-label') ?? ''));
    return labels.map((label) => label.trim());
  }

  /** Picks an item of the open quick pick by its label. */
  async pick(label: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(label);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
    await this.page.keyboard.press('Enter');
  }

  /** A notification toast (progress, information or error) by its text. */
  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text });
  }

  /**
   * Runs a context-menu entry of a row. The pointer rests on the entry before the
   * click: a menu that opened a moment ago ignores a mouse-up that comes too soon.
   */
  async contextMenu(row: Locator, entry: string): Promise<void> {
    await row.click({ button: 'right' });
    const item = this.page.getByRole('menuitem', { name: entry, exact: true });
    await item.hover();
    await this.page.waitForTimeout(500);
    await item.click();
    await item.waitFor({ state: 'detached' });
  }

  /**
   * The address VS Code opens in a new browser tab while `action` runs (code-server
   * opens loopback links without asking); the tab is closed again.
   */
  async openedUrl(action: () => Promise<void>): Promise<string> {
    const popup = this.page.waitForEvent('popup', SLOW);
    await action();
    const tab = await popup;
    const url = tab.url();
    await tab.close();
    return url;
  }

  /** The modal dialog now showing. */
  async dialog(): Promise<Locator> {
    const dialog = this.page.locator('.monaco-dialog-box');
    try {
      await dialog.waitFor();
    } catch (error) {
      // say what the workbench showed instead (an error notification, usually)
      await this.screenshot('no-dialog.png');
      throw new Error(`no modal dialog appeared; the workbench shows: ${await this.shownNotifications()}`, { cause: error });
    }
    return dialog;
  }

  /**
   * The texts of the notifications in the notification center, which holds every one
   * (VS Code does not always show a toast: one added while others are on screen can go
   * straight to the center); the center is closed again.
   */
  async notificationCenterTexts(): Promise<string[]> {
    await this.runCommand('Notifications: Show Notifications');
    const items = this.page.locator('.notifications-center .notification-list-item');
    await items.first().waitFor({ timeout: 5000 }).catch(() => undefined);
    const texts = await items.allInnerTexts();
    await this.runCommand('Notifications: Hide Notifications');
    return texts;
  }

  /** The text of every notification toast on screen, on one line: what a failure says the user saw. */
  async shownNotifications(): Promise<string> {
    const shown = await this.page.locator('.notifications-toasts').innerText({ timeout: 1000 }).catch(() => '');
    // a toast is not shown while the notification center is open: its list says what was
    const listed = await this.page.locator('.notifications-center .notification-list-item').allInnerTexts().catch(() => []);
    const text = [shown, ...listed.map((item) => `[in the notification center] ${item}`)].join(' ');
    return text.replace(/\s+/g, ' ').trim() || 'no notification';
  }

  /** The end of the extension's own log: what a failure message adds to what the screen showed. */
  extensionLog(lines = 20): string {
    return this.server.extensionLog(lines);
  }

  async screenshot(name: string): Promise<string> {
    const file = artifactPath(name);
    await this.page.screenshot({ path: file });
    return file;
  }
}
