// One event, one reply: retries, duplicate deliveries, two app processes sharing the real local Redis,
// the per-thread repeat limit and the per-channel flood limit.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/state/redis.js';
import { blocksText, eventEnvelope, FakeSlack, messageEvent, sendEvent } from '../helpers/fake-slack.js';
import { startFakeElastiCache, type FakeElastiCache } from '../helpers/fake-elasticache.js';
import { counter, PRD_REDIS, SEED, settle, startHarness, SUPPORT, type Harness } from './harness.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const prefix = `test:slack:${randomUUID()}:`;
let fake: FakeSlack;
let ec: FakeElastiCache;
const started: Harness[] = [];
const stores: RedisStore[] = [];

beforeAll(async () => {
  fake = await FakeSlack.start();
  ec = await startFakeElastiCache({ groups: [PRD_REDIS] });
});
afterEach(async () => {
  for (const h of started.splice(0)) await h.stop();
  for (const s of stores.splice(0)) await s.close();
  fake.calls.length = 0;
});
afterAll(async () => {
  await fake.stop();
  await ec.close();
  const admin = new Redis(REDIS_URL);
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length) await admin.del(...keys);
  await admin.quit();
});

async function bot(opts: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const h = await startHarness({ fake, ec, ...opts });
  started.push(h);
  return h;
}
function redisStore(url = REDIS_URL, timeoutMs = 1_000): RedisStore {
  const s = new RedisStore(url, { keyPrefix: prefix, commandTimeoutMs: timeoutMs, connectTimeoutMs: timeoutMs });
  stores.push(s);
  return s;
}

describe('exactly once', () => {
  it('the same event sent to two app processes sharing one Redis gets one reply', async () => {
    const a = await bot({ store: redisStore() });
    const b = await bot({ store: redisStore() });
    const envelope = eventEnvelope(messageEvent({ channel: SUPPORT, text: SEED }));
    // Slack delivered it to one replica, timed out, and retried on the other; plus a late retry to the first.
    const responses = await Promise.all([
      sendEvent(a.url, envelope),
      sendEvent(b.url, envelope, { retryNum: 1 }),
      sendEvent(a.url, envelope, { retryNum: 2 }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    await Promise.all([settle(a), settle(b)]);
    expect(fake.posted()).toHaveLength(1);
    const suppressed = (await counter(a.metrics, 'redis_diagnose_duplicates_suppressed_total')) + (await counter(b.metrics, 'redis_diagnose_duplicates_suppressed_total'));
    expect(suppressed).toBe(2);
  });

  it('two different events about one message (two replicas) still give one reply', async () => {
    const a = await bot({ store: redisStore() });
    const b = await bot({ store: redisStore() });
    const event = messageEvent({ channel: SUPPORT, text: SEED });
    await Promise.all([sendEvent(a.url, eventEnvelope(event)), sendEvent(b.url, eventEnvelope(event))]);
    await Promise.all([settle(a), settle(b)]);
    expect(fake.posted()).toHaveLength(1);
  });

  it('with the shared store down, a process still replies, and still once per event', async () => {
    const deadPort = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const h = await bot({ store: redisStore(`redis://127.0.0.1:${deadPort}`, 200) });
    const envelope = eventEnvelope(messageEvent({ channel: SUPPORT, text: SEED }));
    await sendEvent(h.url, envelope);
    await settle(h);
    await sendEvent(h.url, envelope, { retryNum: 1 });
    await settle(h);
    expect(fake.posted()).toHaveLength(1);
    expect(h.logs.some((l) => l.level >= 50 && /state store unavailable/.test(String(l.msg)))).toBe(true);
  });
});

describe('flood', () => {
  it('a flood of pastes in one channel gets one summary, not a flood of replies', async () => {
    const h = await bot({ limits: { floodMax: 2, floodWindowMs: 60_000 } });
    for (let i = 0; i < 6; i++) {
      await sendEvent(h.url, eventEnvelope(messageEvent({ channel: SUPPORT, text: `worker-${i} crashed:\n${SEED}` })));
      await settle(h);
    }
    const posts = fake.posted();
    expect(posts).toHaveLength(3);
    expect(blocksText(posts[0]!.params.blocks)).toContain('tls-to-plaintext');
    expect(blocksText(posts[1]!.params.blocks)).toContain('tls-to-plaintext');
    expect(blocksText(posts[2]!.params.blocks)).toContain('3 Redis errors were pasted in this channel within 60 s');
    expect(await counter(h.metrics, 'redis_diagnose_duplicates_suppressed_total', { reason: 'flood' })).toBe(3);
  });

  it('an @-mention is answered during a flood, even when its message event wins the claim', async () => {
    const h = await bot({ limits: { floodMax: 1, floodWindowMs: 60_000 } });
    for (let i = 0; i < 3; i++) {
      await sendEvent(h.url, eventEnvelope(messageEvent({ channel: SUPPORT, text: `worker-${i} crashed:\n${SEED}` })));
      await settle(h);
    }
    const before = fake.posted().length;
    await sendEvent(h.url, eventEnvelope(messageEvent({ channel: SUPPORT, text: `<@UBOT00001> why does api-7 fail?\n${SEED}` })));
    await settle(h);
    const after = fake.posted();
    expect(after).toHaveLength(before + 1);
    expect(blocksText(after.at(-1)!.params.blocks)).toContain('tls-to-plaintext');
  });
});
