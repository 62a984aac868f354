/**
 * Cache + coalesce for look-ups: results live in the shared Store (TTL), and concurrent callers asking for the
 * same key while a look-up is in flight share its promise, so 100 diagnoses of one group make one API call.
 */
import type { Store } from '../state/store.js';

export class CoalescingCache<T> {
  private readonly inflight = new Map<string, Promise<T>>();

  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
    /** Only some results are worth keeping (a found group, not a throttling error). */
    private readonly cacheable: (value: T) => boolean,
  ) {}

  /**
   * The cached value, else the in-flight look-up, else a new one. A broken cache never breaks the look-up.
   * `fresh` skips the cached value (a user asked to re-check) but still joins a look-up already running.
   */
  get(key: string, load: () => Promise<T>, fresh = false): Promise<T> {
    const running = this.inflight.get(key);
    if (running) return running;
    let p: Promise<T> | undefined = undefined;
    p = (async () => {
      // Yield first, so `p` is registered below before any of this runs, even if the store throws at once.
      await Promise.resolve();
      try {
        const cached = fresh ? null : await this.store.get(key).catch(() => null);
        if (cached !== null) {
          try {
            return JSON.parse(cached) as T;
          } catch {
            // A corrupt entry is ignored and overwritten below.
          }
        }
        const value = await load();
        if (this.cacheable(value)) await this.store.set(key, JSON.stringify(value), this.ttlMs).catch(() => undefined);
        return value;
      } finally {
        if (this.inflight.get(key) === p) this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, p);
    return p;
  }
}
