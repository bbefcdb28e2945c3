import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDetails } from '../../../src/core/swarm/serviceLogs';

describe('parseDetails (a Swarm log line\'s origin)', () => {
  it('reads the node, service and task ids Docker puts before each line with details=1', () => {
    assert.deepEqual(parseDetails('com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=t1'), {
      'com.docker.swarm.node.id': 'n1', 'com.docker.swarm.service.id': 's1', 'com.docker.swarm.task.id': 't1',
    });
  });

  it('decodes escaped values and skips what is not a pair', () => {
    assert.deepEqual(parseDetails('label=a%2Cb,junk,=x'), { label: 'a,b' });
    assert.deepEqual(parseDetails('bad=%E0%A4%A'), { bad: '%E0%A4%A' });
  });
});
