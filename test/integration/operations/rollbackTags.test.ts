// Rollback tags that no kept backup names and no container uses are removed
// from the real Docker engine; the others stay.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type Docker from 'dockerode';
import type { DualEnvConfig } from '../../../src/core/config';
import { pruneRollbackTags } from '../../../src/core/operations/liveImages';
import { startRig, stackLabel } from '../../rig';
import { BASE_IMAGE } from '../../rig/paths';

const REPO = 'dual-env-test-prune/backend';

describe(`pruning rollback tags [${stackLabel()}]`, () => {
  let docker: Docker;
  let context: string;
  const ids: Record<string, string> = {};
  let containerId: string;

  /** A small image of its own (a label makes its id distinct), tagged `name`. */
  async function buildTagged(name: string, label: string): Promise<string> {
    const stream = await docker.buildImage({ context, src: ['Dockerfile'] }, { t: name, labels: { 'dual-env-test': label }, rm: true });
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (error, events: { error?: string }[]) => {
      const failed = error ?? events.find((e) => e.error)?.error;
      if (failed) reject(new Error(String(failed)));
      else resolve();
    }));
    return (await docker.getImage(name).inspect()).Id;
  }

  before(async () => {
    ({ docker } = await startRig());
    context = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-env-prune-'));
    fs.writeFileSync(path.join(context, 'Dockerfile'), `FROM ${BASE_IMAGE}\n`);
    ids.stale = await buildTagged(`${REPO}:rollback-20250101-000001`, 'stale');
    ids.kept = await buildTagged(`${REPO}:rollback-20250101-000002`, 'kept');
    ids.used = await buildTagged(`${REPO}:rollback-20250101-000003`, 'used');
    ids.live = await buildTagged(`${REPO}:production`, 'live');
    containerId = (await docker.createContainer({ Image: `${REPO}:rollback-20250101-000003`, Cmd: ['true'] })).id;
  });

  after(async () => {
    await docker.getContainer(containerId).remove({ force: true }).catch(() => undefined);
    for (const id of Object.values(ids)) await docker.getImage(id).remove({ force: true }).catch(() => undefined);
    fs.rmSync(context, { recursive: true, force: true });
  });

  it('removes only the tags of images no backup names and no container uses', async () => {
    const config = { services: new Map([['production-backend', { image: `${REPO}:production` }]]) } as unknown as DualEnvConfig;
    const removed = await pruneRollbackTags(docker, config, ['production-backend'], new Set([ids.kept]));
    assert.deepEqual(removed, [`${REPO}:rollback-20250101-000001`]);
    const tags = (await docker.listImages({ filters: { reference: [`${REPO}:*`] } })).flatMap((image) => image.RepoTags ?? []).sort();
    assert.deepEqual(tags, [`${REPO}:production`, `${REPO}:rollback-20250101-000002`, `${REPO}:rollback-20250101-000003`]);
    await assert.rejects(docker.getImage(ids.stale).inspect(), 'the stale image itself is gone from the host');
  });
});
