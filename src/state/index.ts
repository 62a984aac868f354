import { MemoryStore } from './memory.js';
import { RedisStore, type RedisStoreOptions } from './redis.js';
import type { Store } from './store.js';

export type { Store } from './store.js';
export { MemoryStore } from './memory.js';
export { RedisStore, type RedisStoreOptions } from './redis.js';

/** REDIS_URL set -> shared Redis store (several replicas reply once); unset -> in-memory (one process). */
export function createStore(redisUrl?: string, options?: RedisStoreOptions): Store {
  return redisUrl ? new RedisStore(redisUrl, options) : new MemoryStore();
}
