// STUB: being written by the engine owner. Signature is the contract.
import type { Context, Diagnosis, Finding, NormalizedText } from './types.js';

/** What the caller already knows (CLI flags, Slack command arguments). Wins over what the text says. */
export interface Hints {
  group?: string;
  endpoint?: string;
  region?: string;
}

export interface Analysis {
  normalized: NormalizedText;
  findings: Finding[];
  context: Context;
  diagnosis: Diagnosis;
  redactions: number;
}

export function analyzeText(text: string, hints: Hints): Analysis {
  void hints;
  return {
    normalized: { text, truncated: false, originalLength: text.length, notes: [] },
    findings: [],
    context: { redisContext: [] },
    diagnosis: { cause: 'unknown', confidence: 'low', summary: 'stub', reasons: [], alternatives: [], nextChecks: [] },
    redactions: 0,
  };
}
