import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  containerShellCommand, DATABASE_CLIENT_SCRIPT, databaseShellCommand, LOGIN_SHELL_SCRIPT, PASSWORD_VARIABLE, runningContainerOf,
} from '../../../src/core/docker/shellCommands';
import { container } from '../extension/fixtures';

const PASSWORD = 's3cr3t pass;word$(id)';

describe('databaseShellCommand', () => {
  it('passes the password only through the child\'s environment, never in an argument', () => {
    const command = databaseShellCommand({ environment: {}, container: 'app-staging-database-1', user: 'staging_user', database: 'warehouse_wms_staging', password: PASSWORD, tty: true }, {});
    assert.equal(command.file, 'docker');
    assert.equal(command.env[PASSWORD_VARIABLE], PASSWORD);
    for (const arg of command.args) assert.ok(!arg.includes('s3cr3t'), `the password is in the argument ${arg}`);
    // "-e MYSQL_PWD" without "=": docker copies the value from its own environment
    assert.deepEqual(command.args.slice(0, 5), ['exec', '-i', '-t', '-e', PASSWORD_VARIABLE]);
    assert.deepEqual(command.args.slice(5), ['app-staging-database-1', 'sh', '-c', DATABASE_CLIENT_SCRIPT, 'sh', '--user=staging_user', '--database=warehouse_wms_staging']);
  });

  it('allocates no terminal when asked not to (stdin is a pipe)', () => {
    const command = databaseShellCommand({ environment: {}, container: 'db', user: 'u', database: 'd', password: PASSWORD, tty: false }, {});
    assert.deepEqual(command.args.slice(0, 4), ['exec', '-i', '-e', PASSWORD_VARIABLE]);
  });

  it('sends the docker CLI to the environment\'s own Docker host, else DOCKER_HOST, else the local socket', () => {
    const target = { container: 'db', user: 'u', database: 'd', password: PASSWORD, tty: true };
    assert.equal(databaseShellCommand({ ...target, environment: { dockerHost: 'ssh://deploy@server' } }, { DOCKER_HOST: 'tcp://other:2375' }).env.DOCKER_HOST, 'ssh://deploy@server');
    assert.equal(databaseShellCommand({ ...target, environment: {} }, { DOCKER_HOST: 'tcp://other:2375' }).env.DOCKER_HOST, 'tcp://other:2375');
    assert.equal(databaseShellCommand({ ...target, environment: {} }, {}).env.DOCKER_HOST, 'unix:///var/run/docker.sock');
  });

  it('hands a user or database name to the client as one argument, never to the shell', () => {
    const command = databaseShellCommand({ environment: {}, container: 'db', user: '-x; rm -rf /', database: '$(reboot)', password: PASSWORD, tty: false }, {});
    assert.deepEqual(command.args.slice(-2), ['--user=-x; rm -rf /', '--database=$(reboot)']);
    assert.equal(command.args[command.args.indexOf('-c') + 1], DATABASE_CLIENT_SCRIPT);
  });
});

describe('the constant in-container scripts', () => {
  // run by this machine's sh with a PATH holding only stub clients: which one each script execs, with what
  function pick(script: string, stubs: string[], args: string[] = []): string {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-stubs-'));
    try {
      for (const name of stubs) fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*"\n`, { mode: 0o755 });
      const run = spawnSync('/bin/sh', ['-c', script, 'sh', ...args], { encoding: 'utf8', env: { PATH: bin } });
      return run.stdout.trim();
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  }

  it('the database script prefers mariadb and falls back to mysql, passing the arguments through', () => {
    assert.equal(pick(DATABASE_CLIENT_SCRIPT, ['mariadb', 'mysql'], ['--user=u', '--database=d']), 'mariadb --user=u --database=d');
    assert.equal(pick(DATABASE_CLIENT_SCRIPT, ['mysql'], ['--user=u', '--database=d']), 'mysql --user=u --database=d');
  });

  it('the attach script prefers bash and falls back to sh', () => {
    assert.equal(pick(LOGIN_SHELL_SCRIPT, ['bash', 'sh']), 'bash');
    assert.equal(pick(LOGIN_SHELL_SCRIPT, ['sh']), 'sh');
  });
});

describe('containerShellCommand', () => {
  it('opens a terminal shell in the named container on the environment\'s host', () => {
    const command = containerShellCommand({ dockerHost: 'tcp://10.0.0.5:2375' }, 'app-staging-backend-1', {});
    assert.deepEqual(command, { file: 'docker', args: ['exec', '-i', '-t', 'app-staging-backend-1', 'sh', '-c', LOGIN_SHELL_SCRIPT], env: { DOCKER_HOST: 'tcp://10.0.0.5:2375' } });
  });
});

describe('runningContainerOf', () => {
  it('names the service\'s running container', () => {
    const containers = [container('staging-backend'), container('staging-database', { name: 'app-staging-database-1' })];
    assert.equal(runningContainerOf(containers, 'staging-database', 'Staging'), 'app-staging-database-1');
  });

  it('prefers a running replica over a stopped one', () => {
    const containers = [container('staging-database', { name: 'old', state: 'exited' }), container('staging-database', { name: 'new' })];
    assert.equal(runningContainerOf(containers, 'staging-database', 'Staging'), 'new');
  });

  it('says in one sentence why there is no shell to open', () => {
    assert.throws(() => runningContainerOf([container('staging-database', { state: 'exited' })], 'staging-database', 'Staging'), { message: 'staging-database is exited, so no shell can open in it; start Staging first.' });
    assert.throws(() => runningContainerOf([], 'staging-database', 'Staging'), { message: 'staging-database has no container, so no shell can open in it; start Staging first.' });
  });
});
