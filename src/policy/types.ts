export type Feature = 'diagnose' | 'live' | 'probe' | 'terraform';

/** Who asks, from where, for what. The CLI (operator's own credentials) is not bound by the policy. */
export interface Requester {
  source: 'slack' | 'cli';
  channel?: string;
  /** 'channel' | 'group' | 'im' | 'mpim' when known. */
  channelType?: string;
  user?: string;
  /** Slack user-group ids the user belongs to (resolved by the caller, when the policy needs them). */
  userGroups?: string[];
  /** Event or request id, carried into the audit log line. */
  requestId?: string;
}

export interface Target {
  accountId?: string;
  region?: string;
  replicationGroupId?: string;
  endpoint?: string;
}

export interface Decision {
  allowed: boolean;
  feature: Feature;
  /** The rule that decided, e.g. `binding[1] (#platform-support)` or `default: live only in SUPPORT_CHANNELS`. */
  rule: string;
  /** A short sentence for the reply when denied: what was not checked and who to ask. */
  explanation?: string;
  /** The reason alone, without rule or contact (e.g. `this channel is not in the policy`). */
  reason?: string;
}

/** One decision point before any AWS call or socket. */
export interface Authorizer {
  decide(requester: Requester, feature: Feature, target: Target): Decision;
  /**
   * Slack user-group ids the policy mentions. Empty or absent: the caller need not resolve the requester's
   * user groups (see src/policy/usergroups.ts).
   */
  userGroupIds?: string[];
}

/** Allows everything: the CLI runs with the operator's own credentials. */
export const allowAll: Authorizer = {
  decide: (_requester, feature) => ({ allowed: true, feature, rule: 'cli: operator credentials, not bound by policy' }),
};
