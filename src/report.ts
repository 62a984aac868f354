import type { CauseId, Confidence } from './diagnosis/causes.js';
import type { Context, Finding } from './diagnosis/types.js';
import type { LiveFacts } from './live/types.js';
import type { Fix } from './remediation/types.js';

/** The JSON contract of ARCHITECTURE.md. Fields may be added, never renamed. */
export interface Report {
  cause: CauseId;
  confidence: Confidence;
  summary: string;
  reasons: string[];
  alternatives: string[];
  nextChecks: string[];
  findings: Finding[];
  context: Context;
  live?: LiveFacts;
  fix: Fix;
  redactions: number;
  /** `kind`: paste (error text), target (a group id or endpoint alone), empty. */
  input: { length: number; truncated: boolean; notes: string[]; kind: 'paste' | 'target' | 'empty' };
}
