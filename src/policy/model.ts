import type { Feature } from './types.js';

/** One validated binding: who (channels, optionally user groups) may do what (features) to which targets. */
export interface Binding {
  /** Position in the file's `bindings` list, 0-based: the rule is named `bindings[index]`. */
  index: number;
  /** 1-based line of the binding in the file, for the rule name and doctor. */
  line?: number;
  name?: string;
  channels: string[];
  userGroups?: string[];
  accounts: string[];
  regions: string[];
  groups: string[];
  features: Feature[];
}

export interface Policy {
  /** File name shown in rule names and messages (base name only: replies never show server paths). */
  source: string;
  contact?: string;
  defaults: { account?: string };
  bindings: Binding[];
}

/** How a binding is named in replies and logs: `policy.yml:12 bindings[1] (platform-support)`. */
export function ruleName(policy: Pick<Policy, 'source'>, b: Binding): string {
  const where = b.line ? `${policy.source}:${b.line}` : policy.source;
  return `${where} bindings[${b.index}]${b.name ? ` (${b.name})` : ''}`;
}

/** User-group ids the policy mentions: the Slack side resolves membership only for these, only when any exist. */
export function userGroupIds(policy: Policy | undefined): string[] {
  if (!policy) return [];
  return [...new Set(policy.bindings.flatMap((b) => b.userGroups ?? []))].sort();
}
