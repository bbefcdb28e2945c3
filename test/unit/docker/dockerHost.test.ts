import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { THIS_MACHINE, isLoopbackHost, machineOf, machineOfEnvironment } from '../../../src/core/docker/dockerHost';

describe('machineOf', () => {
  it('is this machine for sockets and loopback addresses', () => {
    for (const address of ['unix:///var/run/docker.sock', 'unix:///run/user/1000/docker.sock', 'npipe:////./pipe/docker_engine', 'ssh://localhost', 'ssh://root@127.0.0.1:22', 'tcp://[::1]:2375', 'tcp://0.0.0.0:2375', 'ssh://app.localhost']) {
      assert.equal(machineOf(address), THIS_MACHINE, address);
    }
  });

  it('is the host name, without user, port, case or trailing dot', () => {
    for (const address of ['ssh://prod', 'ssh://root@prod', 'ssh://deploy@PROD:22', 'ssh://prod:2222', 'tcp://prod:2376', 'ssh://prod.']) {
      assert.equal(machineOf(address), 'prod', address);
    }
    assert.equal(machineOf('ssh://[2001:db8::1]:22'), '2001:db8::1');
    assert.notEqual(machineOf('ssh://prod'), machineOf('ssh://prod.example.com'), 'an alias and its HostName are not resolved');
  });

  it('keeps an address it cannot read as itself', () => {
    assert.equal(machineOf('not an address'), 'not an address');
    assert.equal(machineOf('ssh://'), 'ssh://');
  });

  it('reads an environment\'s engine from dockerHost, else DOCKER_HOST, else the local socket', () => {
    assert.equal(machineOfEnvironment({}, {}), THIS_MACHINE);
    assert.equal(machineOfEnvironment({}, { DOCKER_HOST: 'ssh://Prod' }), 'prod');
    assert.equal(machineOfEnvironment({ dockerHost: 'ssh://staging' }, { DOCKER_HOST: 'ssh://prod' }), 'staging');
  });

  it('knows loopback host names', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', 'LOCALHOST']) assert.equal(isLoopbackHost(host), true, host);
    for (const host of ['db.internal', '10.0.0.1', 'localhost.example.com', '128.0.0.1']) assert.equal(isLoopbackHost(host), false, host);
  });
});
