import { Redis, type RedisOptions } from 'ioredis';
import type { Store } from './store.js';

// INCR and the first PEXPIRE must be atomic, or a crash between them leaves a counter that never expires.
// (PEXPIRE ... NX would do it too, but needs Redis 7; ElastiCache groups still run 6.x.)
const INCR_WITH_TTL = `
local v = redis.call('INCR', KEYS[1])
if v == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return v`;

export interface RedisStoreOptions {
  /** Prepended to every key, so several deployments (or tests) can share one Redis. */
  keyPrefix?: string;
  /** Bound on each command, so a dead Redis never hangs a Slack reply. */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/** Shared state through ioredis: several replicas behind one load balancer agree on "who answers". */
export class RedisStore implements Store {
  readonly client: Redis;

  constructor(url: string, options: RedisStoreOptions = {}) {
    const redisOptions: RedisOptions = {
      keyPrefix: options.keyPrefix ?? 'redis-diagnose:',
      lazyConnect: false,
      connectTimeout: options.connectTimeoutMs ?? 2_000,
      commandTimeout: options.commandTimeoutMs ?? 2_000,
      // Fail a command quickly when Redis is down instead of queueing it for minutes.
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    };
    this.client = new Redis(url, redisOptions);
    // Without a listener ioredis prints "[ioredis] Unhandled error event" for every reconnect attempt.
    this.client.on('error', () => {});
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const result = await this.client.set(key, value, 'PX', Math.max(1, Math.round(ttlMs)), 'NX');
    return result === 'OK';
  }

  async get(key: string): Promise<string | null> {
    return this.client.get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.client.set(key, value, 'PX', Math.max(1, Math.round(ttlMs)));
  }

  async incr(key: string, ttlMs: number): Promise<number> {
    const result = await this.client.eval(INCR_WITH_TTL, 1, key, String(Math.max(1, Math.round(ttlMs))));
    return Number(result);
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
