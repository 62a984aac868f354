import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { auditDecision } from './audit.js';
import { evaluate } from './authorizer.js';
import { userGroupIds, type Policy } from './model.js';
import type { Authorizer, Decision, Feature, Requester, Target } from './types.js';

export interface AuthorizerOptions {
  /** The validated policy file; absent = the safe defaults (live, probe, terraform only in supportChannels; DMs paste-only). */
  policy?: Policy;
  /** SUPPORT_CHANNELS: used only when there is no policy. */
  supportChannels: string[];
  /** Who to ask (POLICY_CONTACT); the policy file's own `contact` wins when both are set. */
  contact?: string;
  /** ACCOUNT_ROLES: lets a region's role name the account a look-up reaches, for `accounts` in bindings. */
  accountRoles?: Record<string, string>;
  /** Audit log: one line per decision (see audit.ts). */
  logger?: Logger;
  metrics?: Pick<Metrics, 'policyDecisions'>;
}

/**
 * The bot's one decision point before any AWS call or socket. Each `decide` call writes its own audit line and
 * counts itself, so callers (live, Slack) must not log the decision again.
 */
export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  const targetContext = { accountRoles: options.accountRoles, defaultAccount: options.policy?.defaults.account };
  return {
    userGroupIds: userGroupIds(options.policy),
    decide(requester: Requester, feature: Feature, target: Target): Decision {
      let decision: Decision;
      try {
        decision = evaluate(options, requester, feature, target ?? {});
      } catch {
        // A bug here must not open anything up: refuse, and say so.
        decision = { allowed: false, feature, rule: 'policy error: refused', reason: 'the policy check failed', explanation: `The ${feature} check was not done: the policy check failed. Ask ${options.policy?.contact ?? options.contact ?? 'the team that runs this bot'}.` };
      }
      auditDecision(options.logger, options.metrics, requester, feature, target ?? {}, decision, targetContext);
      return decision;
    },
  };
}
