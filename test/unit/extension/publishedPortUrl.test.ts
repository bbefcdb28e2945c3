// Open in Browser on a container opens its port on the machine the engine runs on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engineMachine, publishedPortUrl } from '../../../src/extension/publishedPortUrl';

const LOCAL = 'unix:///var/run/docker.sock';

describe('engineMachine', () => {
  it('is undefined for a local socket or a loopback address', () => {
    for (const host of [LOCAL, 'npipe:////./pipe/docker_engine', 'tcp://127.0.0.1:2375', 'tcp://localhost:2375', 'ssh://me@localhost', 'tcp://[::1]:2375']) {
      assert.equal(engineMachine(host), undefined, host);
    }
  });

  it('is the server of a tcp:// or ssh:// address, without IPv6 brackets', () => {
    assert.equal(engineMachine('ssh://deploy@server'), 'server');
    assert.equal(engineMachine('ssh://deploy@server:2222'), 'server');
    assert.equal(engineMachine('tcp://10.0.0.5:2376'), '10.0.0.5');
    assert.equal(engineMachine('tcp://[2001:db8::1]:2375'), '2001:db8::1');
    assert.equal(engineMachine('server.example:2375'), 'server.example');
  });
});

describe('publishedPortUrl', () => {
  it('opens a port published on every address at 127.0.0.1 when the engine is local', () => {
    assert.equal(publishedPortUrl({ hostIp: '0.0.0.0', hostPort: 8080 }, LOCAL), 'http://127.0.0.1:8080/');
    assert.equal(publishedPortUrl({ hostIp: '::', hostPort: 8080 }, LOCAL), 'http://127.0.0.1:8080/');
    assert.equal(publishedPortUrl({ hostPort: 8080 }, LOCAL), 'http://127.0.0.1:8080/');
  });

  it('opens it on the server when the engine is reached over ssh:// or tcp://', () => {
    assert.equal(publishedPortUrl({ hostIp: '0.0.0.0', hostPort: 80 }, 'ssh://deploy@server'), 'http://server:80/');
    assert.equal(publishedPortUrl({ hostIp: '0.0.0.0', hostPort: 80 }, 'tcp://10.0.0.5:2376'), 'http://10.0.0.5:80/');
  });

  it('brackets IPv6 addresses', () => {
    assert.equal(publishedPortUrl({ hostIp: '::', hostPort: 80 }, 'tcp://[2001:db8::1]:2375'), 'http://[2001:db8::1]:80/');
    assert.equal(publishedPortUrl({ hostIp: '::1', hostPort: 8080 }, LOCAL), 'http://[::1]:8080/');
    assert.equal(publishedPortUrl({ hostIp: 'fd00::5', hostPort: 80 }, 'ssh://deploy@server'), 'http://[fd00::5]:80/');
  });

  it('uses the address a port is bound to when it is bound to one', () => {
    assert.equal(publishedPortUrl({ hostIp: '127.0.0.1', hostPort: 8080 }, LOCAL), 'http://127.0.0.1:8080/');
    assert.equal(publishedPortUrl({ hostIp: '192.168.1.20', hostPort: 80 }, 'ssh://deploy@server'), 'http://192.168.1.20:80/');
  });

  it('refuses a port bound to the loopback of a remote server, which this machine cannot reach', () => {
    assert.throws(() => publishedPortUrl({ hostIp: '127.0.0.1', hostPort: 8080 }, 'ssh://deploy@server'), { message: /^Port 8080 is published only on the loopback address of server, / });
  });
});
