import { ruleName, type Binding, type Policy } from './model.js';
import { knowTarget, type KnownTarget } from './target.js';
import type { Decision, Feature, Requester, Target } from './types.js';

/**
 * The decision itself, pure: no logging, no I/O. Bindings are grants read in order; the first binding whose
 * channels (and user groups), features and scope all cover the request allows it and is named as the rule.
 * Nothing matches -> denied, and the explanation names the binding that came closest and what it lacked.
 * There are no deny rules: to keep a channel from doing something, leave it out.
 */

export const DIAGNOSE_RULE = 'diagnose: always allowed (the paste is already in the channel)';
export const FALLBACK_CONTACT = 'the team that runs this bot';

export interface EvaluateOptions {
  policy?: Policy;
  supportChannels: string[];
  contact?: string;
  accountRoles?: Record<string, string>;
}

/** Direct messages: channel type im/mpim, or a D… channel id. */
export function isDirectMessage(r: Requester): boolean {
  return r.channelType === 'im' || r.channelType === 'mpim' || (r.channel?.startsWith('D') ?? false);
}

export function evaluate(opts: EvaluateOptions, requester: Requester, feature: Feature, target: Target): Decision {
  if (feature === 'diagnose') return { allowed: true, feature, rule: DIAGNOSE_RULE };
  const known = knowTarget(target, { accountRoles: opts.accountRoles, defaultAccount: opts.policy?.defaults.account });
  const deny = (rule: string, reason: string): Decision => ({
    allowed: false,
    feature,
    rule,
    reason,
    explanation: explain(feature, known, reason, rule, opts.policy?.contact ?? opts.contact ?? FALLBACK_CONTACT),
  });

  if (!requester.channel) return deny('no channel: paste-only', 'the request came from no known channel');
  return opts.policy ? byPolicy(opts.policy, requester, feature, known, deny) : byDefaults(opts.supportChannels, requester, feature, deny);
}

/** Safe defaults without a policy file: live, probe and Terraform only in SUPPORT_CHANNELS; DMs paste-only. */
function byDefaults(supportChannels: string[], r: Requester, feature: Feature, deny: (rule: string, reason: string) => Decision): Decision {
  if (isDirectMessage(r)) return deny('default: direct messages are paste-only', 'direct messages are paste-only');
  if (supportChannels.includes(r.channel!)) return { allowed: true, feature, rule: 'default: live, probe and terraform in SUPPORT_CHANNELS' };
  return deny('default: live, probe and terraform only in SUPPORT_CHANNELS', 'this channel is not one of the support channels');
}

type Miss = { binding: Binding; reason: string; explicit: boolean };

function byPolicy(policy: Policy, r: Requester, feature: Feature, t: KnownTarget, deny: (rule: string, reason: string) => Decision): Decision {
  const dm = isDirectMessage(r);
  const misses: Miss[] = [];
  for (const b of policy.bindings) {
    // `*` never covers direct messages: a DM reaches the bot privately, with no channel members watching.
    const explicit = b.channels.includes(r.channel!);
    if (!explicit && (dm || !b.channels.includes('*'))) continue;
    const miss = (reason: string) => misses.push({ binding: b, reason, explicit });
    if (b.userGroups) {
      if (!r.userGroups) {
        miss(`your Slack user groups could not be checked, and only members of ${b.userGroups.join(', ')} may use ${FEATURE_WORDS[feature]} here`);
        continue;
      }
      if (!b.userGroups.some((g) => r.userGroups!.includes(g))) {
        miss(`only members of ${b.userGroups.join(', ')} may use ${FEATURE_WORDS[feature]} here`);
        continue;
      }
    }
    if (!b.features.includes(feature)) {
      miss(`this channel may not use ${FEATURE_WORDS[feature]}`);
      continue;
    }
    const outOfScope = scopeMiss(b, t, feature);
    if (outOfScope) {
      miss(outOfScope);
      continue;
    }
    return { allowed: true, feature, rule: ruleName(policy, b) };
  }
  // Explain with the binding that names this channel itself before a catch-all `*` one: it is the one the asker meant.
  const closest = misses.find((m) => m.explicit) ?? misses[0];
  if (closest) return deny(ruleName(policy, closest.binding), closest.reason);
  if (dm) return deny(`${policy.source}: direct messages are paste-only`, 'direct messages are paste-only');
  return deny(`${policy.source}: no binding for channel ${r.channel}`, 'this channel is not in the policy');
}

/** Why the binding's accounts, regions or groups do not cover the target; undefined when they do. */
function scopeMiss(b: Binding, t: KnownTarget, feature: Feature): string | undefined {
  if (!b.accounts.includes('*')) {
    if (!t.accountId) return `the AWS account is not known, and this binding is limited to account${plural(b.accounts)} ${b.accounts.join(', ')}`;
    if (!b.accounts.includes(t.accountId)) return `account ${t.accountId} is not one this binding may look up (${b.accounts.join(', ')})`;
  }
  if (!b.regions.includes('*')) {
    if (t.regions.length === 0) return `the region is not known, and this binding is limited to ${b.regions.join(', ')}`;
    const outside = t.regions.find((r) => !b.regions.some((p) => globMatch(p, r)));
    if (outside) return `region ${outside} is outside this binding's regions (${b.regions.join(', ')})`;
  }
  if (!b.groups.includes('*')) {
    if (t.groups.length === 0) return `the group id is not known, and this binding is limited to ${b.groups.join(', ')}`;
    const outside = t.groups.find((g) => !b.groups.some((p) => globMatch(p, g)));
    if (outside) return `group "${outside}" does not match this binding's pattern${plural(b.groups)} (${b.groups.join(', ')})`;
  }
  // A probe dials the host: a group id typed beside a CNAME or an IP says nothing about what gets dialed.
  if (feature === 'probe' && t.unidentifiedHost && !(b.groups.includes('*') && b.regions.includes('*'))) {
    return `${t.unidentifiedHost} names no ElastiCache group, and this binding may probe only ${b.groups.join(', ')} in ${b.regions.join(', ')}`;
  }
  return undefined;
}

/** `*` matches any run of characters; everything else literally, case-insensitively (AWS ids are lower case). */
export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(value);
}

const FEATURE_WORDS: Record<Feature, string> = {
  diagnose: 'diagnosis',
  live: 'live AWS look-ups',
  probe: 'probes',
  terraform: 'Terraform diffs',
};

/** A short sentence for the reply: what was not checked, why, which rule, who to ask. */
function explain(feature: Feature, t: KnownTarget, reason: string, rule: string, contact: string): string {
  const of = describeTarget(feature, t);
  const what: Record<Feature, string> = {
    diagnose: 'The diagnosis was not made',
    live: `The live AWS look-up${of} was not done`,
    probe: `The probe${of} was not done`,
    terraform: 'Your Terraform files were not read',
  };
  return `${what[feature]}: ${reason} (rule: ${rule}). To allow it, ask ${contact}.`;
}

function describeTarget(feature: Feature, t: KnownTarget): string {
  if (feature === 'probe' && t.endpoint) return ` of ${t.endpoint}`;
  const id = t.groups[0] ?? t.endpoint;
  if (!id) return '';
  const where = t.regions[0] ? ` (${t.regions[0]})` : '';
  return ` of ${id}${where}`;
}


function plural(xs: string[]): string {
  return xs.length === 1 ? '' : 's';
}
