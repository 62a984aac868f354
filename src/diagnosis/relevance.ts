// STUB until the engine lands: the auto-reply listener's gate.
import type { Report } from '../report.js';

/** True when a paste is a Redis connection error worth an unprompted reply in a support channel. */
export function isRedisConnectionError(report: Report): boolean {
  return report.cause !== 'unknown' && report.context.redisContext.length > 0 && report.confidence !== 'low';
}
