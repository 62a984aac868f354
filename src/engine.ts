import { analyzeText, RUN_LIVE_HINT, type Hints } from './diagnosis/analyze.js';
import { refineWithLive } from './diagnosis/conclude-live.js';
import type { LiveFacts } from './live/types.js';
import type { LiveDeps } from './live/index.js';
import { gatherLive } from './live/index.js';
import { planFix } from './remediation/index.js';
import type { Report } from './report.js';
import { allowAll, type Authorizer, type Requester } from './policy/types.js';

export interface DiagnoseRequest {
  /** The paste (raw or Slack-escaped). May be empty when group/endpoint says what to check. */
  text: string;
  hints?: Hints;
  /** Query AWS for the group's facts. */
  live?: boolean;
  /** Probe the endpoint (TLS and plaintext). */
  probe?: boolean;
  /** A checked-out Terraform tree to diff against. */
  terraformDir?: string;
  /** HCL pasted by the user (e.g. in the Slack thread), used when no directory is available. */
  terraformHcl?: string;
  requester?: Requester;
  /** Skip cached live facts (a user asked to re-check). */
  fresh?: boolean;
}

export interface EngineDeps {
  live?: LiveDeps;
  authorizer?: Authorizer;
}

/**
 * The whole flow of ARCHITECTURE.md: intake -> diagnosis -> live (optional) -> conclude -> remediation.
 * Rendering is the caller's job (CLI, Slack).
 */
export async function diagnose(req: DiagnoseRequest, deps: EngineDeps = {}): Promise<Report> {
  const analysis = analyzeText(req.text, req.hints ?? {});
  const authorizer = deps.authorizer ?? allowAll;
  const requester: Requester = req.requester ?? { source: 'cli' };

  let live: LiveFacts | undefined;
  let diagnosis = analysis.diagnosis;
  if (req.live || req.probe) {
    live = await gatherLive(analysis.context, { live: !!req.live, probe: !!req.probe, requester, authorizer, ...(req.fresh ? { fresh: true } : {}) }, deps.live);
    diagnosis = refineWithLive(diagnosis, analysis.findings, analysis.context, live);
    // The live check has run: do not tell the user to run it.
    diagnosis = { ...diagnosis, nextChecks: diagnosis.nextChecks.filter((n) => !n.startsWith(RUN_LIVE_HINT)) };
  }

  const terraformAllowed = req.terraformDir || req.terraformHcl
    ? authorizer.decide(requester, 'terraform', { replicationGroupId: analysis.context.replicationGroupId, region: analysis.context.region })
    : undefined;
  const fix = await planFix(
    { diagnosis, findings: analysis.findings, context: analysis.context, live },
    {
      terraformDir: terraformAllowed?.allowed ? req.terraformDir : undefined,
      terraformHcl: terraformAllowed?.allowed ? req.terraformHcl : undefined,
    },
  );
  if (terraformAllowed && !terraformAllowed.allowed) {
    fix.notes = [...(fix.notes ?? []), terraformAllowed.explanation ?? `Terraform was not read (${terraformAllowed.rule}).`];
  }

  return {
    cause: diagnosis.cause,
    confidence: diagnosis.confidence,
    summary: diagnosis.summary,
    reasons: diagnosis.reasons,
    alternatives: diagnosis.alternatives,
    nextChecks: diagnosis.nextChecks,
    findings: analysis.findings,
    context: analysis.context,
    ...(live ? { live } : {}),
    fix,
    redactions: analysis.redactions,
    input: { length: analysis.normalized.originalLength, truncated: analysis.normalized.truncated, notes: analysis.normalized.notes, kind: analysis.inputKind },
  };
}
