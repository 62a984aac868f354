/**
 * Shared state: dedupe, cache, rate limits. In-memory by default; Redis (ioredis) when REDIS_URL is set
 * so several replicas behind one load balancer agree.
 */
export interface Store {
  /** Set key only if absent, with a TTL. True when this call set it (the caller "owns" the event). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Increment a counter that expires ttlMs after its first increment; returns the new value. */
  incr(key: string, ttlMs: number): Promise<number>;
  close(): Promise<void>;
}
