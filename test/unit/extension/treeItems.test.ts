// The tree items map the engine's status to label, description, icon, tooltip and context value.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backupItem, backupsGroupItem } from '../../../src/extension/tree/backups/backupItem';
import { containerItem } from '../../../src/extension/tree/containers/containerItem';
import { environmentItem } from '../../../src/extension/tree/environments/environmentItem';
import { untrustedItem, warningItem } from '../../../src/extension/tree/warnings/warningItem';
import { relativeTime } from '../../../src/extension/presentation';
import type { ContainerStatus } from '../../../src/extension/model';
import { container, environment, status } from './fixtures';

const NOW = Date.parse('2026-11-25T14:00:00Z');

describe('environment items', () => {
  it('summarise health, commit and deploy time in the description', () => {
    const item = environmentItem(environment('production'), status('production', 'healthy'), { commit: 'abc1234def', branch: 'stable/prisma-mysql-1', finishedAt: '2026-11-25T12:00:00Z' }, NOW);
    assert.equal(item.label, 'Production');
    assert.equal(item.description, '3/3 healthy · abc1234 · 2 h ago');
    assert.deepEqual(item.icon, { id: 'rocket', color: 'charts.green' });
    assert.equal(item.contextValue, 'environment.production.running');
    assert.equal(item.tooltip, [
      '**Production** is healthy.',
      'All 3 services are running and healthy.',
      'URL: http://127.0.0.1:80',
      'Deployed branch: stable/prisma-mysql-1',
      'Last deployed 2026-11-25T12:00:00Z (2 h ago).',
      'Deployed commit: abc1234def',
    ].join('\n\n'));
  });

  it('say in the tooltip which branches may be deployed before the first deploy', () => {
    const item = environmentItem(environment('production'), status('production', 'healthy'), undefined, NOW);
    assert.match(item.tooltip ?? '', /^Branches matching stable\/prisma-mysql-\\\* can be deployed\.$/m);
    assert.match(item.tooltip ?? '', /^No deploy by Dual Env is recorded\.$/m);
  });

  it('colour a degraded environment yellow and count the serving services', () => {
    const item = environmentItem(environment('staging'), status('staging', 'degraded', { 'staging-backend': { state: 'exited' } }), undefined, NOW);
    assert.equal(item.description, '2/3 degraded');
    assert.deepEqual(item.icon, { id: 'beaker', color: 'charts.yellow' });
    assert.equal(item.contextValue, 'environment.staging.running.stopped');
  });

  it('carry in the context value whether any container runs and whether any is stopped or missing', () => {
    const stopped = Object.fromEntries(environment('staging').services.map((s) => [s, { state: 'exited' as const, health: 'none' as const }]));
    assert.equal(environmentItem(environment('staging'), status('staging', 'down', stopped), undefined, NOW).contextValue, 'environment.staging.stopped');
    const missing = status('staging', 'degraded', { 'staging-backend': { state: 'missing', health: 'none', containerId: undefined } });
    assert.equal(environmentItem(environment('staging'), missing, undefined, NOW).contextValue, 'environment.staging.running.stopped');
    assert.equal(environmentItem(environment('staging'), undefined, undefined, NOW).contextValue, 'environment.staging');
  });

  it('have no default action: Enter expands or collapses them', () => {
    assert.equal(environmentItem(environment('staging'), status('staging', 'healthy'), undefined, NOW).defaultAction, undefined);
  });

  it('say the status is unknown before the first answer from Docker', () => {
    const item = environmentItem(environment('staging'), undefined, undefined, NOW);
    assert.equal(item.description, 'status unknown');
    assert.equal(item.icon.color, 'disabledForeground');
  });
});

describe('container items', () => {
  const cases: [Partial<ContainerStatus>, string, string, string][] = [
    [{ state: 'running', health: 'healthy' }, 'pass-filled', 'charts.green', 'container.running'],
    [{ state: 'running', health: 'starting' }, 'loading~spin', 'charts.yellow', 'container.running'],
    [{ state: 'running', health: 'unhealthy' }, 'error', 'charts.red', 'container.running'],
    [{ state: 'running', health: 'none' }, 'circle-filled', 'charts.green', 'container.running'],
    [{ state: 'exited', health: 'none' }, 'circle-slash', 'charts.red', 'container.stopped'],
    [{ state: 'restarting', health: 'none' }, 'sync~spin', 'charts.yellow', 'container.running'],
    [{ state: 'missing', health: 'none', containerId: undefined }, 'question', 'disabledForeground', 'container.missing'],
  ];
  for (const [fields, icon, color, context] of cases) {
    it(`show ${fields.state}/${fields.health} as ${icon} in ${color}`, () => {
      const item = containerItem('staging', container('staging-backend', fields), NOW);
      assert.deepEqual(item.icon, { id: icon, color });
      assert.equal(item.contextValue, context);
    });
  }

  it('put state, ports and image in the description and the details in the tooltip', () => {
    const item = containerItem('production', container('production-frontend', {
      ports: [{ hostIp: '127.0.0.1', hostPort: 30080, containerPort: 80, protocol: 'tcp' }],
      restartCount: 2,
    }), NOW);
    assert.equal(item.description, 'running, healthy (2 restarts) · 30080→80 · wms/production-frontend:latest');
    assert.equal(item.tooltip, [
      '**production-frontend**',
      'State: running, healthy (2 restarts)',
      'Container: dual-env\\_production-frontend\\_1 production-f',
      'Image: wms/production-frontend:latest',
      'Published ports: 127.0.0.1:30080→80',
      'Started 2026-11-25T12:00:00Z (2 h ago).',
    ].join('\n\n'));
  });

  it('show the logs on Enter, except for a missing container, which has none', () => {
    assert.deepEqual(containerItem('staging', container('staging-backend', { state: 'exited', health: 'none' }), NOW).defaultAction, { command: 'dualEnv.showLogs', title: 'Show Logs' });
    assert.equal(containerItem('staging', container('staging-backend', { state: 'missing', health: 'none', containerId: undefined }), NOW).defaultAction, undefined);
  });

  it('quote the last failed health check in the tooltip', () => {
    const item = containerItem('staging', container('staging-backend', { health: 'unhealthy', healthLog: 'curl: (7) connection refused' }), NOW);
    assert.match(item.tooltip ?? '', /```\ncurl: \(7\) connection refused\n```/);
  });
});

describe('warning items', () => {
  it('show an isolation error with the error colour', () => {
    const item = warningItem({ severity: 'error', message: 'Staging and Production publish the same port 80.' }, 0);
    assert.equal(item.label, 'Staging and Production publish the same port 80.');
    assert.deepEqual(item.icon, { id: 'error', color: 'list.errorForeground' });
  });

  it('explain restricted mode', () => {
    assert.match(untrustedItem().tooltip ?? '', /not trusted/);
  });

  it('open the compose file on Enter, or Workspace Trust for the restricted-mode row', () => {
    assert.equal(warningItem({ severity: 'warning', message: 'Shared volume.' }, 1).defaultAction?.command, 'dualEnv.openComposeFile');
    assert.equal(untrustedItem().defaultAction?.command, 'workbench.trust.manage');
  });
});

describe('relative time', () => {
  it('stays the same within a minute, an hour, a day', () => {
    assert.equal(relativeTime('2026-11-25T13:59:30Z', NOW), 'less than a minute ago');
    assert.equal(relativeTime('2026-11-25T13:45:00Z', NOW), '15 min ago');
    assert.equal(relativeTime('2026-11-23T13:00:00Z', NOW), '2 d ago');
  });
});

describe('backup items', () => {
  const backup = {
    id: '20261125-120000', path: '/p/backups/production/20261125-120000', environment: 'production', database: 'warehouse_wms',
    createdAt: '2026-11-25T12:00:00Z', sizeBytes: 1_572_864, complete: true, verified: true, rows: 1200, gitCommit: 'abc1234def',
  };

  it('show time, size, commit and verification', () => {
    const item = backupItem('production', backup, NOW);
    assert.equal(item.label, '2026-11-25 12:00:00');
    assert.equal(item.description, '1.5 MB · abc1234 · verified');
    assert.deepEqual(item.icon, { id: 'verified-filled', color: 'charts.green' });
    assert.equal(item.contextValue, 'backup.verified');
    assert.match(item.tooltip ?? '', /^Taken 2026-11-25T12:00:00Z \(2 h ago\)\.$/m);
    assert.match(item.tooltip ?? '', /^Rows: 1200$/m);
  });

  it('verify on Enter: it reads the backup and changes nothing', () => {
    assert.deepEqual(backupItem('production', backup, NOW).defaultAction, { command: 'dualEnv.verifyBackup', title: 'Verify Backup' });
  });

  it('flag an incomplete backup with its problem', () => {
    const item = backupItem('production', { ...backup, complete: false, verified: false, problem: 'manifest.json is missing' }, NOW);
    assert.equal(item.contextValue, 'backup.unverified');
    assert.match(item.description ?? '', /incomplete$/);
    assert.match(item.tooltip ?? '', /^Problem: manifest\.json is missing$/m);
  });

  it('count the verified ones on the group', () => {
    assert.equal(backupsGroupItem('production', [backup, { ...backup, verified: false }]).description, '2 (1 verified)');
  });

  it('say a backup is on the server, where no folder here can be revealed', () => {
    const onServer = { ...backup, path: 'volume dual-env-backups.app.production on ssh://prod:20261125-120000' };
    const item = backupItem('production', onServer, NOW, true);
    assert.equal(item.contextValue, 'backup.verified.onServer');
    assert.match(item.tooltip ?? '', /^On the server: volume dual-env-backups\.app\.production on ssh:\/\/prod:20261125-120000$/m);
    assert.doesNotMatch(item.tooltip ?? '', /^Folder:/m);
    assert.equal(backupItem('production', { ...onServer, verified: false }, NOW, true).contextValue, 'backup.unverified.onServer');
  });

  it('keep the backups listed before on the group when a listing fails, and say why', () => {
    const item = backupsGroupItem('production', [backup], 'ssh: connect to host prod: Connection refused');
    assert.equal(item.description, '1 (1 verified) · cannot be listed');
    assert.match(item.tooltip ?? '', /The last listing failed: ssh: connect to host prod: Connection refused$/);
    assert.equal(backupsGroupItem('production', undefined, 'unreachable').description, 'cannot be listed');
  });
});
