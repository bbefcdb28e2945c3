import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { databasePlacementProblem, databaseVolumeNames } from '../../../src/core/swarm/databasePlacement';

const withDatabase = (database: Record<string, unknown>) => ({ services: { database } });
const pinned = { deploy: { replicas: 1, placement: { constraints: ['node.hostname == db-1'] } }, volumes: ['data:/var/lib/mysql'] };

describe('a Swarm database service', () => {
  it('is accepted as a single replica pinned to a node with a named volume, in either volume syntax', () => {
    assert.equal(databasePlacementProblem(withDatabase(pinned), 'database'), undefined);
    assert.equal(databasePlacementProblem(withDatabase({ ...pinned, deploy: { placement: pinned.deploy.placement } }), 'database'), undefined, 'replicas default to 1');
    assert.equal(databasePlacementProblem(withDatabase({ ...pinned, volumes: [{ type: 'volume', source: 'data', target: '/var/lib/mysql' }] }), 'database'), undefined);
  });

  it('is refused with more than one replica or in global mode: two tasks would be two databases', () => {
    assert.match(databasePlacementProblem(withDatabase({ ...pinned, deploy: { ...pinned.deploy, replicas: 2 } }), 'database') ?? '', /^asks for 2 replicas; a database must be a single replica/);
    assert.match(databasePlacementProblem(withDatabase({ ...pinned, deploy: { mode: 'global' } }), 'database') ?? '', /^runs in global mode/);
  });

  it('is refused when not pinned to a node: Swarm could move it to an empty volume', () => {
    assert.match(databasePlacementProblem(withDatabase({ ...pinned, deploy: { replicas: 1 } }), 'database') ?? '', /^is not pinned to a node, so Swarm could start it on another node with an empty volume; add a placement constraint/);
    assert.match(databasePlacementProblem(withDatabase({ ...pinned, deploy: { replicas: 1, placement: { constraints: [] } } }), 'database') ?? '', /^is not pinned to a node/);
  });

  it('is refused without a named volume: a bind mount, an anonymous volume or none keep no data on the node for it', () => {
    for (const volumes of [undefined, [], ['/var/lib/mysql'], ['./data:/var/lib/mysql'], ['/srv/db:/var/lib/mysql'], [{ type: 'bind', source: '/srv/db', target: '/var/lib/mysql' }]]) {
      assert.match(databasePlacementProblem(withDatabase({ ...pinned, volumes }), 'database') ?? '', /^keeps its data in no named volume/, JSON.stringify(volumes));
    }
  });

  it('names its volumes as docker stack deploy does: <stack>_<volume>, or the top-level name:', () => {
    assert.deepEqual(databaseVolumeNames(withDatabase(pinned), 'database', 'shop'), ['shop_data']);
    const named = { ...withDatabase({ ...pinned, volumes: [{ type: 'volume', source: 'data', target: '/var/lib/mysql' }, 'logs:/var/log/mysql', './conf:/etc/mysql/conf.d'] }), volumes: { data: { name: 'shop-db-data' }, logs: {} } };
    assert.deepEqual(databaseVolumeNames(named, 'database', 'shop'), ['shop-db-data', 'shop_logs']);
  });
});
