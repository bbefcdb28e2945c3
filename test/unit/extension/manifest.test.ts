// package.json is the part of the extension VS Code reads before any code runs:
// what Restricted Mode disables, which menus offer what, and how settings validate.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { backupItem, backupsGroupItem } from '../../../src/extension/tree/backups/backupItem';
import { containerItem } from '../../../src/extension/tree/containers/containerItem';
import { environmentItem } from '../../../src/extension/tree/environments/environmentItem';
import { folderItem, folderProblemItem } from '../../../src/extension/tree/folders/folderItem';
import { swarmServiceItem, swarmTaskItem } from '../../../src/extension/tree/swarm/swarmItems';
import { untrustedItem, warningItem } from '../../../src/extension/tree/warnings/warningItem';
import { container, environment, status } from './fixtures';

interface Contribution { command: string; title?: string; when?: string; enablement?: string; group?: string }

const root = path.join(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nls: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));
const commands: Contribution[] = manifest.contributes.commands;
const palette: Contribution[] = manifest.contributes.menus.commandPalette;
const itemMenu: Contribution[] = manifest.contributes.menus['view/item/context'];
const viewTitle: Contribution[] = manifest.contributes.menus['view/title'];
const settings: Record<string, { type: unknown; minimum?: number; scope?: string }> = manifest.contributes.configuration.properties;
const restricted: string[] = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;

describe('package.json', () => {
  it('disables in Restricted Mode every command that reaches a host or folder the compose file names', () => {
    const trusted = new Set(commands.filter((c) => c.enablement === 'isWorkspaceTrusted').map((c) => c.command));
    for (const command of ['dualEnv.deployProduction', 'dualEnv.backupProduction', 'dualEnv.deleteBackup', 'dualEnv.startContainer', 'dualEnv.openDatabaseShell', 'dualEnv.attachShell']) {
      assert.ok(trusted.has(command), `${command} has no "enablement": "isWorkspaceTrusted"`);
    }
    for (const entry of palette.filter((p) => trusted.has(p.command))) {
      assert.ok(entry.when === 'false' || /&& isWorkspaceTrusted$/.test(entry.when ?? ''), `${entry.command} is offered in the palette of an untrusted workspace`);
    }
  });

  it('takes backup retention and the health timeout as whole numbers of at least 1 (or empty)', () => {
    for (const name of ['dualEnv.backupRetention', 'dualEnv.healthTimeoutSeconds']) {
      assert.deepEqual(settings[name].type, ['integer', 'null'], name);
      assert.equal(settings[name].minimum, 1, name);
    }
  });

  it('offers Create docker-compose-dual-env.yml in the palette before activation has set dualEnv.state, and in a multi-root workspace', () => {
    assert.equal(palette.find((p) => p.command === 'dualEnv.createComposeFile')?.when, '!dualEnv.state || dualEnv.state == noComposeFile || workspaceFolderCount > 1');
  });

  it('offers Start on a stopped and on a missing container (Start creates a missing one), not on a running one', () => {
    const start = itemMenu.filter((m) => m.command === 'dualEnv.startContainer').map((m) => /viewItem =~ \/(.*)\/$/.exec(m.when ?? '')?.[1]);
    assert.equal(start.length, 1);
    const offeredOn = new RegExp(start[0] ?? '$^');
    assert.ok(offeredOn.test('container.stopped') && offeredOn.test('container.missing'));
    assert.ok(!offeredOn.test('container.running'));
  });

  it('lets the Docker host and the Compose command be set per machine, and not by an untrusted workspace', () => {
    for (const name of ['dualEnv.dockerHost', 'dualEnv.composeCommand']) {
      assert.equal(settings[name].scope, 'machine-overridable', name);
      assert.ok(restricted.includes(name), `${name} is not in restrictedConfigurations`);
    }
  });

  it('offers Start, Stop and Restart on an environment only when they apply', () => {
    const offered = (contextValue: string) => itemMenu.filter((m) => whenHolds(m.when, contextValue)).map((m) => m.command);
    const allStopped = Object.fromEntries(environment('staging').services.map((s) => [s, { state: 'exited' as const, health: 'none' as const }]));
    const running = offered(environmentItem(environment('staging'), status('staging', 'healthy'), undefined).contextValue);
    const stopped = offered(environmentItem(environment('staging'), status('staging', 'down', allStopped), undefined).contextValue);
    const partly = offered(environmentItem(environment('production'), status('production', 'degraded', { 'production-backend': { state: 'exited', health: 'none' } }), undefined).contextValue);
    assert.ok(!running.includes('dualEnv.startEnvironment') && running.includes('dualEnv.stopEnvironment') && running.includes('dualEnv.restartEnvironment'), running.join(', '));
    assert.ok(stopped.includes('dualEnv.startEnvironment') && !stopped.includes('dualEnv.stopEnvironment') && !stopped.includes('dualEnv.restartEnvironment'), stopped.join(', '));
    assert.ok(['dualEnv.startEnvironment', 'dualEnv.stopEnvironment', 'dualEnv.deployProduction', 'dualEnv.backupProduction'].every((c) => partly.includes(c)), partly.join(', '));
    assert.ok(!partly.includes('dualEnv.deployStaging'));
  });

  it('offers on a backup on the server what works there (roll back, load, verify, delete), not Reveal', () => {
    const backup = { id: '20261125-120000', path: 'volume v on ssh://prod:20261125-120000', environment: 'production', sizeBytes: 1, complete: true, verified: true };
    const offered = (onServer: boolean, verified = true) => itemMenu.filter((m) => whenHolds(m.when, backupItem('production', { ...backup, verified }, 0, onServer).contextValue)).map((m) => m.command).sort();
    assert.deepEqual(offered(true), ['dualEnv.deleteBackup', 'dualEnv.loadBackupIntoStaging', 'dualEnv.rollbackToBackup', 'dualEnv.verifyBackup']);
    assert.deepEqual(offered(false), [...offered(true), 'dualEnv.revealBackup'].sort());
    assert.deepEqual(offered(true, false), ['dualEnv.deleteBackup', 'dualEnv.verifyBackup']);
  });

  it('offers Stop Following Logs only while logs are followed', () => {
    const entries = [...viewTitle, ...palette].filter((m) => m.command === 'dualEnv.stopFollowingLogs');
    assert.equal(entries.length, 2);
    for (const entry of entries) assert.match(entry.when ?? '', /&& dualEnv\.followingLogs$/);
  });

  it('gives every row of the tree a context menu, so that Shift+F10 opens one on each', () => {
    const backup = { id: '20261125-120000', path: '/b', environment: 'production', sizeBytes: 1, complete: true, verified: true };
    const rows = [
      environmentItem(environment('staging'), undefined, undefined),
      containerItem('staging', container('staging-backend')),
      containerItem('staging', container('staging-backend', { state: 'exited', health: 'none' })),
      containerItem('staging', container('staging-backend', { state: 'missing', health: 'none', containerId: undefined })),
      backupsGroupItem('production', []),
      backupItem('production', backup),
      backupItem('production', { ...backup, verified: false }),
      warningItem({ severity: 'error', message: 'x' }, 0),
      warningItem({ severity: 'warning', message: 'x' }, 1),
      untrustedItem(),
      folderItem({ key: 'file:///a', name: 'a', state: 'ready', composeFile: '/a/docker-compose-dual-env.yml', projectName: 'a', environmentCount: 2 }),
      folderItem({ key: 'file:///b', name: 'b', state: 'configError', problem: 'x', composeFile: '/b/docker-compose-dual-env.yml', environmentCount: 0 }),
      folderProblemItem({ key: 'file:///b', state: 'configError', problem: 'x' }),
      folderProblemItem({ key: 'file:///c', state: 'dockerUnreachable', problem: 'x' }),
      swarmServiceItem('production', { service: 'web', mode: 'replicated', running: 1, desired: 2, tasks: [] }),
      swarmTaskItem('production', { id: 't', name: 'shop_web.1', node: 'n1', state: 'running', desiredState: 'running', health: 'none', image: 'web' }),
    ];
    for (const row of rows) {
      // inline entries are the row's buttons, not its context menu
      const menu = itemMenu.filter((m) => !m.group?.startsWith('inline') && whenHolds(m.when, row.contextValue));
      assert.ok(menu.length > 0, `${row.contextValue} has no context menu`);
    }
  });

  it('names every command so that its title reads on its own, as in Keyboard Shortcuts', () => {
    for (const command of commands) {
      const title = nls[/^%(.+)%$/.exec(command.title ?? '')?.[1] ?? ''] ?? '';
      assert.ok(title.split(' ').length >= 2, `${command.command} is titled "${title}", which does not say what it acts on`);
    }
  });
});

/** The two forms package.json's item menus use: `viewItem == x` and `viewItem =~ /re/`, after `view == …`. */
function whenHolds(when: string | undefined, contextValue: string): boolean {
  const clause = /viewItem (==|=~) (.+)$/.exec(when ?? '');
  if (!clause) return false;
  if (clause[1] === '==') return clause[2] === contextValue;
  const regex = /^\/(.*)\/$/.exec(clause[2]);
  assert.ok(regex, `unexpected when clause: ${when}`);
  return new RegExp(regex[1]).test(contextValue);
}

/** The fields of a contribution that VS Code shows to people. */
const SHOWN = new Set(['title', 'shortTitle', 'category', 'name', 'contextualTitle', 'contents', 'description', 'markdownDescription',
  'enumDescriptions', 'markdownEnumDescriptions', 'deprecationMessage', 'markdownDeprecationMessage', 'label', 'displayName']);

/** Every shown string under `value`, with where it is. */
function shownStrings(value: unknown, at: string, shown = false): [string, string][] {
  if (typeof value === 'string') return shown ? [[at, value]] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => shownStrings(item, `${at}[${index}]`, shown));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => shownStrings(item, `${at}.${key}`, SHOWN.has(key) && !at.endsWith('.properties')));
  }
  return [];
}

describe('package.nls.json', () => {
  const shown = [
    ...shownStrings(manifest.contributes, 'contributes'),
    ['displayName', manifest.displayName], ['description', manifest.description],
    ['capabilities.virtualWorkspaces.description', manifest.capabilities.virtualWorkspaces.description],
    ['capabilities.untrustedWorkspaces.description', manifest.capabilities.untrustedWorkspaces.description],
  ] as [string, string][];

  it('finds the contributed strings (the walk itself is right)', () => {
    const places = shown.map(([at]) => at);
    for (const place of ['contributes.commands[0].title', 'contributes.commands[0].category', 'contributes.views.dualEnv[0].name',
      'contributes.viewsWelcome[0].contents', 'contributes.configuration.title', 'contributes.configuration.properties.dualEnv.composeCommand.enumDescriptions[0]',
      'contributes.configuration.properties.dualEnv.autoRollback.markdownDescription']) {
      assert.ok(places.includes(place), `${place} was not walked`);
    }
  });

  it('holds every title, description and setting text that package.json contributes, as a %key% it defines', () => {
    for (const [at, text] of shown) {
      const key = /^%([\w.-]+)%$/.exec(text)?.[1];
      assert.ok(key, `${at} is "${text}", not a %key%`);
      assert.equal(typeof nls[key], 'string', `${at} refers to %${key}%, which package.nls.json does not define`);
      assert.ok(nls[key].trim().length > 0, `%${key}% is empty`);
    }
  });

  it('has no key that package.json does not use', () => {
    const used = new Set(shown.map(([, text]) => /^%(.+)%$/.exec(text)?.[1]));
    for (const key of Object.keys(nls)) assert.ok(used.has(key), `package.nls.json defines ${key}, which nothing uses`);
  });

  it('is packaged with the extension', () => {
    assert.match(fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8'), /^!package\.nls\.json$/m);
  });
});
