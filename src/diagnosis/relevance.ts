import type { Report } from '../report.js';

const WEAK_CONTEXT = 'the word Redis or Valkey';

/**
 * The auto-reply gate: true when a paste in a support channel is a Redis connection error worth an
 * unprompted reply. A support channel must get no noise, so it needs a known cause, real Redis context
 * (a client, port, host, URL or reply: not just the word) and more than a guess.
 */
export function isRedisConnectionError(report: Report): boolean {
  if (report.input.kind !== 'paste') return false;
  if (report.cause === 'unknown' || report.confidence === 'low') return false;
  return report.context.redisContext.some((r) => r !== WEAK_CONTEXT);
}
