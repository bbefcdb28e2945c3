// package.json is the part of the extension VS Code reads before any code runs:
// what Restricted Mode disables, which menus offer what, and how settings validate.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

interface Contribution { command: string; when?: string; enablement?: string }

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const commands: Contribution[] = manifest.contributes.commands;
const palette: Contribution[] = manifest.contributes.menus.commandPalette;
const itemMenu: Contribution[] = manifest.contributes.menus['view/item/context'];
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

  it('offers Create docker-compose-dual-env.yml in the palette before activation has set dualEnv.state', () => {
    assert.equal(palette.find((p) => p.command === 'dualEnv.createComposeFile')?.when, '!dualEnv.state || dualEnv.state == noComposeFile');
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
});
