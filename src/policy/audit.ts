import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { knowTarget, type TargetContext } from './target.js';
import type { Decision, Feature, Requester, Target } from './types.js';

/**
 * One structured line per live look-up, probe and Terraform read decision, and per denial: who, where, what,
 * the decision and the rule. Written by the authorizer itself, so callers must not log decisions again.
 * Ids and host names only: never a token, a password, or a URL's user info.
 */
export function auditDecision(
  logger: Logger | undefined,
  metrics: Pick<Metrics, 'policyDecisions'> | undefined,
  requester: Requester,
  feature: Feature,
  target: Target,
  decision: Decision,
  targetContext: TargetContext,
): void {
  const outcome = decision.allowed ? 'allow' : 'deny';
  metrics?.policyDecisions.inc({ feature, decision: outcome });
  // `diagnose` is always allowed and would only add noise; everything else touches infrastructure or was refused.
  if (!logger || (feature === 'diagnose' && decision.allowed)) return;
  const known = knowTarget(target, targetContext);
  logger.info(
    {
      audit: 'policy',
      ...(requester.requestId ? { requestId: requester.requestId } : {}),
      source: requester.source,
      user: requester.user ?? null,
      channel: requester.channel ?? null,
      ...(requester.channelType ? { channelType: requester.channelType } : {}),
      feature,
      decision: outcome,
      rule: decision.rule,
      target: {
        accountId: known.accountId ?? null,
        region: known.regions[0] ?? null,
        replicationGroupId: known.groups[0] ?? null,
        endpoint: known.endpoint ?? null,
      },
      ...(decision.reason ? { reason: decision.reason } : {}),
    },
    `policy ${outcome} ${feature}`,
  );
}
