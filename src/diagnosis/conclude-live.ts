// STUB: owned by the live-truth work (issue 3). Pure: no I/O.
import type { LiveFacts } from '../live/types.js';
import type { Context, Diagnosis, Finding } from './types.js';

/** Confirm, strengthen or overturn the paste's diagnosis with live facts (AWS group facts, probe). */
export function refineWithLive(diagnosis: Diagnosis, findings: Finding[], context: Context, live: LiveFacts): Diagnosis {
  void findings; void context; void live;
  return diagnosis;
}
