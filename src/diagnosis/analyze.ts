import { conclude, completeContext } from './conclude.js';
import { extractContext, parseBareTarget } from './extract.js';
import { match } from './matcher.js';
import { normalize } from './normalize.js';
import { redact } from './redact.js';
import type { Context, Diagnosis, Finding, NormalizedText } from './types.js';

/** The next step for a bare group id or endpoint, until the live check has run. */
export const RUN_LIVE_HINT = 'Run with --live (AWS) and/or --probe';

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
  /** `paste`: error text; `target`: only a group id or endpoint; `empty`: nothing to go on. */
  inputKind: 'paste' | 'target' | 'empty';
  accountId?: string;
}

/** The pure engine: normalize, redact, match, extract, conclude. No I/O. */
export function analyzeText(text: string, hints: Hints = {}): Analysis {
  const normalized = normalize(text ?? '');
  const redacted = redact(normalized.text);
  const clean: NormalizedText = { ...normalized, text: redacted.text };

  const bare = parseBareTarget(clean.text);
  const effectiveHints: Hints = bare ? { ...bare, ...hints } : hints;
  const result = match(bare ? '' : clean.text);
  const extracted = extractContext(result, effectiveHints);
  const context = completeContext(extracted.context, result);
  if (extracted.accountId) context.accountId = extracted.accountId;
  const inputKind = bare || (!clean.text.trim() && (hints.group || hints.endpoint)) ? 'target' : clean.text.trim() ? 'paste' : 'empty';

  let diagnosis: Diagnosis;
  if (inputKind === 'empty') {
    diagnosis = {
      cause: 'unknown', confidence: 'low',
      summary: 'Nothing to diagnose: the input is empty.',
      reasons: [], alternatives: [],
      nextChecks: ['Paste the error your app printed, or give a replication group id or an endpoint.'],
    };
  } else if (inputKind === 'target') {
    const what = context.replicationGroupId ? `replication group ${context.replicationGroupId}` : `endpoint ${context.endpoint?.host ?? ''}`;
    diagnosis = {
      cause: 'unknown', confidence: 'low',
      summary: `No error text: a summary of ${what} needs the live check.`,
      reasons: [], alternatives: [],
      nextChecks: [`${RUN_LIVE_HINT} (the endpoint itself) to see how clients must connect (in Slack, "Re-check live").`],
    };
    if (context.hostStyle === 'plaintext') diagnosis.reasons.push(`${context.endpoint?.host} is a plaintext-style name: the group was created without in-transit encryption, so clients use redis:// (no TLS).`);
    if (context.hostStyle === 'tls') diagnosis.reasons.push(`${context.endpoint?.host} is a TLS-style name: the group has in-transit encryption, so clients use rediss:// (TLS).`);
    if (context.hostStyle === 'serverless') diagnosis.reasons.push(`${context.endpoint?.host} is a serverless cache: always TLS (rediss://).`);
  } else {
    diagnosis = conclude(result.findings, context, result);
  }
  if (normalized.truncated) diagnosis.reasons.push(normalized.notes[0] ?? 'The input was cut before analysis.');

  return {
    normalized: clean,
    findings: result.findings,
    context,
    diagnosis,
    redactions: redacted.count,
    inputKind,
    ...(extracted.accountId ? { accountId: extracted.accountId } : {}),
  };
}
