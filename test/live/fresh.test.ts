// "Re-check live" must ask AWS again: a fresh look-up skips the 60 s cache, an ordinary one does not.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { diagnose } from '../../src/engine.js';
import { createLiveDeps } from '../../src/live/index.js';
import { startFakeElastiCache, type FakeElastiCache } from '../helpers/fake-elasticache.js';

let fake: FakeElastiCache;
beforeAll(async () => {
  fake = await startFakeElastiCache({ groups: [{ id: 'prd-redis', region: 'ap-northeast-1', transit: 'off', engineVersion: '6.2.6', hash: 'abc123' }] });
});
afterAll(() => fake.close());

it('a fresh re-check asks AWS again; a repeat within the TTL is served from the cache', async () => {
  const live = createLiveDeps({ region: 'ap-northeast-1', aws: { endpoint: fake.url, credentials: { accessKeyId: 'AKIATESTFRESH0000000', secretAccessKey: 'x' } } });
  const req = { text: '', hints: { group: 'prd-redis' }, live: true };
  await diagnose(req, { live });
  await diagnose(req, { live });
  expect(fake.calls.DescribeReplicationGroups).toBe(1);
  const again = await diagnose({ ...req, fresh: true }, { live });
  expect(fake.calls.DescribeReplicationGroups).toBe(2);
  expect(again.live?.group?.transitEncryptionEnabled).toBe(false);
});
