import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DockerUnreachableError } from '../../../src/core/common/errors';
import { asDockerError, dockerClientFor, dockerHostOf, modemOptions } from '../../../src/core/docker/client';
import { sshArguments } from '../../../src/core/docker/sshAgent';

describe('dockerHostOf', () => {
  it('prefers the environment, then DOCKER_HOST, then the local socket', () => {
    assert.equal(dockerHostOf({ dockerHost: 'ssh://me@box' }, { DOCKER_HOST: 'tcp://x:2375' }), 'ssh://me@box');
    assert.equal(dockerHostOf({}, { DOCKER_HOST: 'tcp://x:2375' }), 'tcp://x:2375');
    assert.equal(dockerHostOf({}, {}), 'unix:///var/run/docker.sock');
  });
});

describe('dockerClientFor', () => {
  it('hands out one client per host', () => {
    const a = dockerClientFor({ dockerHost: 'tcp://127.0.0.1:1' }, {});
    assert.equal(dockerClientFor({ dockerHost: 'tcp://127.0.0.1:1' }, {}), a);
    assert.notEqual(dockerClientFor({ dockerHost: 'tcp://127.0.0.1:2' }, {}), a);
  });

  it('refuses an address it cannot use, in one sentence', () => {
    assert.throws(() => modemOptions('ftp://box', {}), (error: Error) => error instanceof DockerUnreachableError && /unix:\/\/, tcp:\/\/ or ssh:\/\//.test(error.message));
  });

  it('asks for TLS files when DOCKER_TLS_VERIFY is set and names the folder when they are missing', () => {
    assert.throws(() => modemOptions('tcp://box:2376', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent-certs' }), /\/nonexistent-certs\/ca\.pem/);
  });

  it('names the host and what to do when it does not answer; API errors pass through', () => {
    const docker = dockerClientFor({ dockerHost: 'tcp://127.0.0.1:1' }, {});
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const mapped = asDockerError(refused, docker) as Error;
    assert.ok(mapped instanceof DockerUnreachableError);
    assert.equal(mapped.message, 'The Docker engine at tcp://127.0.0.1:1 does not answer (connect ECONNREFUSED 127.0.0.1:1); start the engine there, or fix dockerHost in x-dual-env or DOCKER_HOST.');
    const notFound = Object.assign(new Error('no such container'), { statusCode: 404 });
    assert.equal(asDockerError(notFound, docker), notFound);
  });
});

describe('sshArguments', () => {
  it('never lets ssh prompt and bounds the connection time', () => {
    const args = sshArguments({ user: 'deploy', host: 'box', port: 2222, connectTimeoutSeconds: 10 });
    assert.deepEqual(args.slice(0, 4), ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10']);
    assert.deepEqual(args.slice(-5), ['--', 'box', 'docker', 'system', 'dial-stdio']);
    assert.ok(args.includes('2222') && args.includes('deploy'));
  });
});
