// One event, one reply: claims in the shared Store decide which delivery (retry, duplicate, replica) answers.
import { createHash } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Report } from '../report.js';
import { MemoryStore } from '../state/memory.js';
import type { Store } from '../state/store.js';

export interface ReplyLimits {
  /** How long an event id / message stays claimed. Slack retries within about an hour. */
  claimTtlMs: number;
  /** The same error pasted again in the same thread within this window gets no new reply. */
  sameErrorWindowMs: number;
  /** More than this many auto-replies in one channel within floodWindowMs: one summary, then quiet. */
  floodMax: number;
  floodWindowMs: number;
}

export const DEFAULT_LIMITS: ReplyLimits = {
  claimTtlMs: 6 * 60 * 60_000,
  sameErrorWindowMs: 30 * 60_000,
  floodMax: 5,
  floodWindowMs: 60_000,
};

export type FloodVerdict = 'reply' | 'summary' | 'quiet';

/** What makes two pastes "the same error": the cause, where it points, and which signatures matched. */
export function errorFingerprint(report: Report): string {
  const c = report.context;
  const parts = [report.cause, c.replicationGroupId ?? '', c.endpoint?.host ?? '', ...[...new Set(report.findings.map((f) => f.signature))].sort()];
  return createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 16);
}

export class ReplyGuard {
  // When the shared store fails, claims fall back to this process's memory: retries to this replica are still
  // caught, and a reply is still given (a possible duplicate across replicas beats a silent bot).
  private readonly local = new MemoryStore();

  constructor(
    private readonly store: Store,
    private readonly limits: ReplyLimits,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly prefix = 'rd:slack:',
  ) {}

  private async claim(key: string, ttlMs: number): Promise<boolean> {
    try {
      return await this.store.setIfAbsent(this.prefix + key, String(Date.now()), ttlMs);
    } catch (err) {
      this.logger.error({ err, key: key.split(':')[0] }, 'state store unavailable: deduplicating in this process only');
      return this.local.setIfAbsent(this.prefix + key, '1', ttlMs);
    }
  }

  private suppressed(reason: string): false {
    this.metrics.duplicatesSuppressed.inc({ reason });
    return false;
  }

  /** First delivery of this Events API event id (retries and other replicas get false). */
  async claimEvent(eventId: string): Promise<boolean> {
    return (await this.claim(`event:${eventId}`, this.limits.claimTtlMs)) || this.suppressed('event-id');
  }

  /** First answer to this message (the message and app_mention events of one message share it). */
  async claimMessage(channel: string, ts: string): Promise<boolean> {
    return (await this.claim(`msg:${channel}:${ts}`, this.limits.claimTtlMs)) || this.suppressed('message');
  }

  /** False when the same error was already answered in this thread within the window. */
  async claimSameError(channel: string, threadTs: string, report: Report): Promise<boolean> {
    const key = `same:${channel}:${threadTs}:${errorFingerprint(report)}`;
    return (await this.claim(key, this.limits.sameErrorWindowMs)) || this.suppressed('same-error-in-thread');
  }

  /** Auto-replies in this channel within the flood window: reply normally, post one summary, or stay quiet. */
  async flood(channel: string): Promise<FloodVerdict> {
    let n: number;
    try {
      n = await this.store.incr(`${this.prefix}flood:${channel}`, this.limits.floodWindowMs);
    } catch {
      n = await this.local.incr(`${this.prefix}flood:${channel}`, this.limits.floodWindowMs);
    }
    if (n <= this.limits.floodMax) return 'reply';
    if (n === this.limits.floodMax + 1) return 'summary';
    this.suppressed('flood');
    return 'quiet';
  }

  /** A claim for one-off actions (a feedback click per user, one Terraform upload per reply). */
  async once(key: string, ttlMs: number): Promise<boolean> {
    return this.claim(`once:${key}`, ttlMs);
  }

  async close(): Promise<void> {
    await this.local.close();
  }
}
