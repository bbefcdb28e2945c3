import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidSshTargetError, parseSshTarget, sshFailureSentence, sshTargetOf } from '../../../src/core/docker/sshTarget';
import { sshForwardArguments } from '../../../src/core/database/sshStream';

describe('parseSshTarget', () => {
  it('reads user, host and port from an ssh:// address', () => {
    assert.deepEqual(parseSshTarget('ssh://deploy@box.example:2222', 7), { user: 'deploy', host: 'box.example', port: 2222, connectTimeoutSeconds: 7 });
    assert.deepEqual(parseSshTarget('ssh://prod-alias', 7), { user: undefined, host: 'prod-alias', port: undefined, connectTimeoutSeconds: 7 });
  });
  it('refuses a host or user that ssh would read as an option', () => {
    assert.throws(() => parseSshTarget('ssh://-oProxyCommand=touch%20x'), InvalidSshTargetError);
    assert.throws(() => parseSshTarget('ssh://-oProxyCommand@box'), InvalidSshTargetError);
  });
  it('is none for a local or TCP engine', () => {
    assert.equal(sshTargetOf({ dockerHost: undefined }, {}), undefined);
    assert.equal(sshTargetOf({ dockerHost: 'tcp://127.0.0.1:2375' }, {}), undefined);
    assert.equal(sshTargetOf({ dockerHost: undefined }, { DOCKER_HOST: 'ssh://box' })?.host, 'box');
  });
});

describe('sshForwardArguments', () => {
  it('forwards to host:port as the server sees them, never prompting, the host after --', () => {
    const args = sshForwardArguments({ user: 'deploy', host: 'box', port: 2222, connectTimeoutSeconds: 10 }, '127.0.0.1', 3307);
    assert.deepEqual(args.slice(0, 2), ['-o', 'BatchMode=yes']);
    assert.deepEqual(args.slice(-4), ['-W', '127.0.0.1:3307', '--', 'box']);
    assert.ok(args.includes('ExitOnForwardFailure=yes'));
    assert.deepEqual(sshForwardArguments({ host: 'box', connectTimeoutSeconds: 10 }, '::1', 3306).slice(-3, -2), ['[::1]:3306']);
  });
  it('refuses a database host that would be read as an option', () => {
    assert.throws(() => sshForwardArguments({ host: 'box', connectTimeoutSeconds: 10 }, '-oFoo', 3306));
  });
});

describe('sshFailureSentence', () => {
  const target = { user: 'root', host: 'box', connectTimeoutSeconds: 10 };
  it('names the command that trusts an unknown host key', () => {
    assert.match(sshFailureSentence('No ED25519 host key is known for box and you have requested strict checking.\nHost key verification failed.', target)!,
      /`ssh -o StrictHostKeyChecking=accept-new root@box true`/);
  });
  it('tells a refused login, a closed ssh port, a closed database port and a stopped engine apart', () => {
    assert.match(sshFailureSentence('root@box: Permission denied (publickey).', target)!, /refused the login/);
    assert.match(sshFailureSentence('ssh: connect to host box port 22: Connection refused', target)!, /^Nothing accepts SSH connections at box/);
    assert.match(sshFailureSentence('channel 0: open failed: connect failed: Connection refused\nstdio forwarding failed', target, '127.0.0.1:3307')!, /^Nothing listens at 127\.0\.0\.1:3307 on box/);
    assert.match(sshFailureSentence('failed to open the raw stream connection: dial unix /var/run/docker.sock: connect: no such file or directory', target)!, /^Docker is not running on box/);
    assert.equal(sshFailureSentence('something else entirely', target), undefined);
  });
});
