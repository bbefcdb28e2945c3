// Each way the SSH route to a server fails ends in one sentence that says what to
// do, and leaves nothing behind: no backup listed, no file in the backups folder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DockerUnreachableError } from '../../src/core/common/errors';
import { DatabaseError } from '../../src/core/database/errors';
import { dockerClientFor } from '../../src/core/docker/client';
import { readEnvironmentStatus } from '../../src/core/docker/discovery';
import { backupDatabase } from '../../src/core/operations/backupDatabase';
import { ensureRemoteHalf, startRemoteEngine, startRemoteServer, stopRemoteEngine, type RemoteServer } from '../rig';
import { remoteProject } from './helpers';

describe('the SSH route\'s failures, each in one sentence with nothing created', () => {
  let server: RemoteServer;
  let folder: string;
  const previousConfig = process.env.DUAL_ENV_RIG_SSH_CONFIG;

  before(async () => {
    server = await startRemoteServer();
    await ensureRemoteHalf(server, 'production');
    // the rig's ssh config plus one alias per failure; the rig's wrapper `ssh` reads this one now
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-ssh-failures-'));
    const key = path.join(server.names.dir, 'ssh', 'id_ed25519');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(folder, 'unauthorized_key')]);
    fs.writeFileSync(path.join(folder, 'empty_known_hosts'), '');
    const ip = server.names.serverIp;
    const host = (alias: string, lines: string[]) => [`Host ${alias}`, ...lines.map((l) => `  ${l}`)].join('\n');
    const common = ['User root', 'IdentitiesOnly yes', 'GlobalKnownHostsFile /dev/null', 'StrictHostKeyChecking yes', 'LogLevel ERROR'];
    fs.writeFileSync(path.join(folder, 'ssh_config'), [
      host('unknown-key', [`HostName ${ip}`, `IdentityFile ${key}`, `UserKnownHostsFile ${path.join(folder, 'empty_known_hosts')}`, ...common]),
      host('wrong-key', [`HostName ${ip}`, `IdentityFile ${path.join(folder, 'unauthorized_key')}`, `UserKnownHostsFile ${server.knownHosts}`, ...common]),
      host('refused', [`HostName ${ip}`, 'Port 2222', `IdentityFile ${key}`, `UserKnownHostsFile ${server.knownHosts}`, ...common]),
      // an address on the rig's own link that nobody holds
      host('unreachable', [`HostName ${ip.replace(/\.2$/, '.3')}`, `IdentityFile ${key}`, `UserKnownHostsFile ${server.knownHosts}`, 'ConnectTimeout 5', ...common]),
      fs.readFileSync(server.sshConfig, 'utf8'),
    ].join('\n') + '\n');
    process.env.DUAL_ENV_RIG_SSH_CONFIG = path.join(folder, 'ssh_config');
  });
  after(() => {
    if (previousConfig === undefined) delete process.env.DUAL_ENV_RIG_SSH_CONFIG;
    else process.env.DUAL_ENV_RIG_SSH_CONFIG = previousConfig;
    fs.rmSync(folder, { recursive: true, force: true });
  });

  const cases = [
    { alias: 'unknown-key', sentence: /^The SSH host key of unknown-key is not trusted yet \(Dual Env never asks\); check its fingerprint with the server's admin, then trust it with `ssh -o StrictHostKeyChecking=accept-new root@unknown-key true` and try again\.$/ },
    { alias: 'wrong-key', sentence: /^The SSH server wrong-key refused the login \(permission denied\): put your public key in the server's authorized_keys or load it into ssh-agent, since Dual Env never types a password or passphrase\.$/ },
    { alias: 'refused', sentence: /^Nothing accepts SSH connections at refused \(connection refused\); check that sshd runs there and the port is right\.$/ },
    { alias: 'unreachable', sentence: /^The server unreachable cannot be reached over SSH \(.*(No route to host|timed out).*\); check the network, VPN or the host in dockerHost\.$/ },
  ];
  for (const { alias, sentence } of cases) {
    it(`${alias}: a backup refuses in one sentence and lists nothing`, async () => {
      const project = remoteProject(server, `ssh://root@${alias}`);
      try {
        const config = project.config();
        const production = config.environments.find((e) => e.name === 'production')!;
        const error = await backupDatabase({ config, environment: production }, {}, new AbortController().signal).then(() => undefined, (e: unknown) => e);
        // the backup takes the environment's lock on the server first, so the Docker route meets the failure before the database route does
        assert.ok(error instanceof DockerUnreachableError || error instanceof DatabaseError, `one sentence of the engine, not ${String(error)}`);
        assert.match(error.message, sentence);
        const left = fs.existsSync(production.backups.folder) ? fs.readdirSync(production.backups.folder).filter((name) => name !== '.gitignore') : [];
        assert.deepEqual(left, [], 'nothing in the backups folder');
      } finally {
        project.remove();
      }
    });
  }

  it('the database port closed on the server: a backup refuses in one sentence and lists nothing', async () => {
    const project = remoteProject(server);
    try {
      // port 1 on the server's loopback: ssh logs in, the forward finds nothing there
      project.write('.env', project.read('.env').replace(/^PRODUCTION_DB_PORT=.*$/m, 'PRODUCTION_DB_PORT=1'));
      const config = project.config();
      const production = config.environments.find((e) => e.name === 'production')!;
      const error = await backupDatabase({ config, environment: production }, {}, new AbortController().signal).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof DatabaseError, `a DatabaseError, not ${String(error)}`);
      assert.equal(error.message, 'Nothing listens at 127.0.0.1:1 on dual-env-remote; check that the database container runs there and publishes that port.');
      const left = fs.existsSync(production.backups.folder) ? fs.readdirSync(production.backups.folder).filter((name) => name !== '.gitignore') : [];
      assert.deepEqual(left, [], 'nothing in the backups folder');
    } finally {
      project.remove();
    }
  });

  it('the server\'s Docker not running: the status says so in one sentence', async () => {
    const project = remoteProject(server);
    try {
      const config = project.config();
      const production = config.environments.find((e) => e.name === 'production')!;
      await stopRemoteEngine(server);
      const error = await readEnvironmentStatus(dockerClientFor(production), config, production).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof DockerUnreachableError, `a DockerUnreachableError, not ${String(error)}`);
      assert.equal(error.message, 'Docker is not running on dual-env-remote (ssh logs in, but the server\'s engine does not answer); start it there, e.g. `sudo systemctl start docker`.');
    } finally {
      project.remove();
      await startRemoteEngine(server);
      await ensureRemoteHalf(server, 'production');
    }
  });
});
