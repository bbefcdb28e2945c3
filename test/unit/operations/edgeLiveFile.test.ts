import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { byServiceName, liveFileFor, liveVariableOf } from '../../../src/core/operations/edgeLiveFile';

describe('the edge\'s live file', () => {
  it('sets one variable per service, naming the service or one container', () => {
    const text = liveFileFor(new Map([['production-frontend', 'production-frontend'], ['production-backend', 'wms_production-backend_2']]));
    assert.deepEqual(text.split('\n').filter((line) => !line.startsWith('#')), [
      'set $dual_env_live_production_frontend production-frontend;',
      'set $dual_env_live_production_backend wms_production-backend_2;',
      '',
    ]);
    assert.equal(liveVariableOf('api.v2-x'), 'dual_env_live_api_v2_x');
  });

  it('is, routed by service names, the file the reference edge starts with', () => {
    const shipped = fs.readFileSync(path.resolve(__dirname, '../../../examples/wms/edge/live.conf'), 'utf8');
    assert.equal(liveFileFor(byServiceName(['production-frontend', 'production-backend'])), shipped);
    const nginx = fs.readFileSync(path.resolve(__dirname, '../../../examples/wms/edge/nginx.conf'), 'utf8');
    for (const service of ['production-frontend', 'production-backend']) assert.ok(nginx.includes(`$${liveVariableOf(service)}`), `nginx.conf routes ${service} through its live variable`);
  });

  it('refuses a name nginx would read as more than a host, rather than write it into the edge', () => {
    assert.throws(() => liveFileFor(new Map([['web', 'web; return 200']])), /"web; return 200" is not a host name the edge can route web to/);
    assert.throws(() => liveFileFor(new Map([['web', '']])), /is not a host name/);
    assert.throws(() => liveFileFor(new Map([['we b', 'web']])), /"we b" is not a service name/);
  });
});
