import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/state/redis.js';
import { createStore } from '../../src/state/index.js';

// The shared local redis-server (127.0.0.1:6379): never flushed; every key lives under a unique prefix.
const URL = 'redis://127.0.0.1:6379';
const prefix = `test:state:${randomUUID()}:`;
const admin = new Redis(URL);
const stores: RedisStore[] = [];
const make = () => {
  const s = new RedisStore(URL, { keyPrefix: prefix });
  stores.push(s);
  return s;
};

beforeAll(async () => {
  await admin.ping();
});

afterAll(async () => {
  for (const s of stores) await s.close();
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length) await admin.del(...keys);
  await admin.quit();
});

describe('RedisStore against the local redis-server', () => {
  it('setIfAbsent is SET NX PX: one owner, and the key carries the TTL', async () => {
    const s = make();
    expect(await s.setIfAbsent('evt:Ev1', 'a', 60_000)).toBe(true);
    expect(await s.setIfAbsent('evt:Ev1', 'b', 60_000)).toBe(false);
    expect(await s.get('evt:Ev1')).toBe('a');
    const pttl = await admin.pttl(`${prefix}evt:Ev1`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(60_000);
  });

  it('two processes (two connections) racing for one event: exactly one wins', async () => {
    const a = make();
    const b = make();
    const attempts = Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).setIfAbsent('evt:race', String(i), 60_000));
    const results = await Promise.all(attempts);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('incr sets the TTL on the first increment only', async () => {
    const s = make();
    expect(await s.incr('flood:C1', 30_000)).toBe(1);
    const first = await admin.pttl(`${prefix}flood:C1`);
    expect(first).toBeGreaterThan(0);
    expect(await s.incr('flood:C1', 90_000_000)).toBe(2);
    // The second call's (much longer) TTL was not applied: the window still ends 30 s after the first paste.
    expect(await admin.pttl(`${prefix}flood:C1`)).toBeLessThanOrEqual(30_000);
  });

  it('set and get round-trip; unknown keys are null', async () => {
    const s = make();
    expect(await s.get('missing')).toBeNull();
    await s.set('req:1', '{"text":"x"}', 60_000);
    expect(await s.get('req:1')).toBe('{"text":"x"}');
  });

  it('createStore(url) gives a Redis store', async () => {
    const s = createStore(URL, { keyPrefix: prefix });
    expect(s).toBeInstanceOf(RedisStore);
    expect(await s.setIfAbsent('factory', '1', 1000)).toBe(true);
    await s.close();
  });

  it('a Redis that is not there fails the call quickly instead of hanging', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const s = new RedisStore(`redis://127.0.0.1:${port}`, { keyPrefix: prefix, commandTimeoutMs: 500, connectTimeoutMs: 500 });
    await expect(s.setIfAbsent('x', '1', 1000)).rejects.toThrow();
    await s.close();
  });
});
