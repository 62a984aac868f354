import { describe, expect, it } from 'vitest';
import { evaluate, globMatch } from '../../src/policy/authorizer.js';
import { parsePolicy } from '../../src/policy/load.js';
import type { Policy } from '../../src/policy/model.js';
import type { Feature, Requester, Target } from '../../src/policy/types.js';
import { readFileSync } from 'node:fs';

function policyOf(text: string): Policy {
  const r = parsePolicy(text, 'policy.yml');
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.policy;
}

const example = (() => {
  const r = parsePolicy(readFileSync('policy.example.yml', 'utf8'), 'policy.example.yml');
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.policy;
})();

const slack = (channel: string | undefined, extra: Partial<Requester> = {}): Requester => ({ source: 'slack', channel, user: 'UANA000001', ...extra });
const PRD: Target = { replicationGroupId: 'prd-redis', region: 'ap-northeast-1' };

describe('without a policy: the safe defaults', () => {
  const opts = { supportChannels: ['C0SUPPORT1'], contact: '#platform-infra' };
  const decide = (r: Requester, f: Feature, t: Target = PRD) => evaluate(opts, r, f, t);

  it('always allows the paste-based diagnosis, even in a DM or with no channel', () => {
    for (const r of [slack('C0RANDOM01'), slack('D0DIRECT01', { channelType: 'im' }), slack(undefined)]) {
      expect(decide(r, 'diagnose')).toMatchObject({ allowed: true, rule: 'diagnose: always allowed (the paste is already in the channel)' });
    }
  });

  it('allows live, probe and terraform in SUPPORT_CHANNELS only', () => {
    for (const f of ['live', 'probe', 'terraform'] as const) {
      expect(decide(slack('C0SUPPORT1'), f)).toMatchObject({ allowed: true, rule: 'default: live, probe and terraform in SUPPORT_CHANNELS' });
      expect(decide(slack('C0RANDOM01'), f)).toMatchObject({ allowed: false, rule: 'default: live, probe and terraform only in SUPPORT_CHANNELS' });
    }
  });

  it('keeps direct messages paste-only, known by channel type or by a D… id', () => {
    expect(decide(slack('D0DIRECT01'), 'live')).toMatchObject({ allowed: false, rule: 'default: direct messages are paste-only' });
    expect(decide(slack('G0GROUPDM1', { channelType: 'mpim' }), 'probe')).toMatchObject({ allowed: false, rule: 'default: direct messages are paste-only' });
  });

  it('denies a request with no channel, and explains what was not checked, why, the rule and who to ask', () => {
    expect(decide(slack(undefined), 'live')).toMatchObject({ allowed: false, rule: 'no channel: paste-only' });
    expect(decide(slack('C0RANDOM01'), 'live').explanation).toBe(
      'The live AWS look-up of prd-redis (ap-northeast-1) was not done: this channel is not one of the support channels (rule: default: live, probe and terraform only in SUPPORT_CHANNELS). To allow it, ask #platform-infra.',
    );
    expect(evaluate({ supportChannels: [] }, slack('C0RANDOM01'), 'probe', { endpoint: 'redis://:s3cret@master.prd-redis.abc123.apne1.cache.amazonaws.com:6379' }).explanation).toBe(
      'The probe of master.prd-redis.abc123.apne1.cache.amazonaws.com:6379 was not done: this channel is not one of the support channels (rule: default: live, probe and terraform only in SUPPORT_CHANNELS). To allow it, ask the team that runs this bot.',
    );
  });
});

describe('with the shipped example policy', () => {
  const decide = (r: Requester, f: Feature, t: Target = PRD) => evaluate({ policy: example, supportChannels: ['C0RANDOM01'] }, r, f, t);

  it('allows the support channel on its groups and names the binding with its line', () => {
    expect(decide(slack('C0PLATSUPP1'), 'live')).toEqual({ allowed: true, feature: 'live', rule: 'policy.example.yml:28 bindings[0] (platform-support)' });
    expect(decide(slack('C0PLATSUPP1'), 'terraform', { replicationGroupId: 'stg-cache', region: 'us-east-1' }).allowed).toBe(true);
  });

  it('ignores SUPPORT_CHANNELS once a policy exists: a channel outside it gets paste-only, with the reason', () => {
    const d = decide(slack('C0RANDOM01'), 'live');
    expect(d).toMatchObject({ allowed: false, rule: 'policy.example.yml:54 bindings[3] (everywhere-else)', reason: 'this channel may not use live AWS look-ups' });
    expect(d.explanation).toBe(
      'The live AWS look-up of prd-redis (ap-northeast-1) was not done: this channel may not use live AWS look-ups (rule: policy.example.yml:54 bindings[3] (everywhere-else)). To allow it, ask #platform-infra.',
    );
  });

  it('refuses a group id outside the binding patterns, case-insensitively', () => {
    expect(decide(slack('C0PLATSUPP1'), 'live', { replicationGroupId: 'dev-redis', region: 'ap-northeast-1' })).toMatchObject({
      allowed: false,
      rule: 'policy.example.yml:28 bindings[0] (platform-support)',
      reason: 'group "dev-redis" does not match this binding\'s patterns (prd-*, stg-*)',
    });
    expect(decide(slack('C0PLATSUPP1'), 'live', { replicationGroupId: 'PRD-Redis', region: 'ap-northeast-1' }).allowed).toBe(true);
  });

  it('refuses a region outside the binding, and an unknown group or region when the binding is limited', () => {
    expect(decide(slack('C0PLATSUPP1'), 'live', { replicationGroupId: 'prd-redis', region: 'eu-west-1' }).reason).toBe(
      "region eu-west-1 is outside this binding's regions (ap-northeast-1, us-east-1)",
    );
    expect(decide(slack('C0PLATSUPP1'), 'live', { region: 'ap-northeast-1' }).reason).toBe('the group id is not known, and this binding is limited to prd-*, stg-*');
    expect(decide(slack('C0PLATSUPP1'), 'live', { replicationGroupId: 'prd-redis' }).reason).toBe('the region is not known, and this binding is limited to ap-northeast-1, us-east-1');
  });

  it('checks the group and region in a probe endpoint host name, not only the id the caller passed', () => {
    const host = 'master.dev-redis.abc123.apne1.cache.amazonaws.com:6379';
    expect(decide(slack('C0PLATSUPP1'), 'probe', { endpoint: host })).toMatchObject({ allowed: false, reason: 'group "dev-redis" does not match this binding\'s patterns (prd-*, stg-*)' });
    expect(decide(slack('C0PLATSUPP1'), 'probe', { endpoint: host, replicationGroupId: 'prd-redis' }).allowed).toBe(false);
    expect(decide(slack('C0PLATSUPP1'), 'probe', { endpoint: 'prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com:6379' }).allowed).toBe(true);
    // A CNAME says nothing the policy can check: a limited binding refuses it.
    expect(decide(slack('C0PLATSUPP1'), 'probe', { endpoint: 'redis.internal.example.com:6379', region: 'ap-northeast-1' }).reason).toBe('the group id is not known, and this binding is limited to prd-*, stg-*');
  });

  it('grants the incident channel only to its user group, and says so when membership is unknown', () => {
    const inGroup = slack('C0INCIDENT1', { userGroups: ['S0ONCALL001'] });
    expect(decide(inGroup, 'probe', { endpoint: 'master.prd-redis.abc123.euw1.cache.amazonaws.com:6379' })).toMatchObject({ allowed: true, rule: 'policy.example.yml:36 bindings[1] (incident-oncall)' });
    expect(decide(slack('C0INCIDENT1', { userGroups: ['S0OTHER0001'] }), 'live')).toMatchObject({
      allowed: false,
      rule: 'policy.example.yml:36 bindings[1] (incident-oncall)',
      reason: 'only members of S0ONCALL001 may use live AWS look-ups here',
    });
    expect(decide(slack('C0INCIDENT1'), 'live').reason).toBe('your Slack user groups could not be checked, and only members of S0ONCALL001 may use live AWS look-ups here');
    expect(decide(inGroup, 'terraform')).toMatchObject({ allowed: false, reason: 'this channel may not use Terraform diffs' });
  });

  it('does not grant probes where the binding lists only live', () => {
    expect(decide(slack('C0CHECKOUT1'), 'live', { replicationGroupId: 'checkout-sessions', region: 'ap-northeast-1' }).allowed).toBe(true);
    expect(decide(slack('C0CHECKOUT1'), 'probe', { replicationGroupId: 'checkout-sessions', region: 'ap-northeast-1' })).toMatchObject({
      allowed: false,
      rule: 'policy.example.yml:45 bindings[2] (team-checkout)',
    });
  });

  it('keeps DMs paste-only: "*" never covers a direct message', () => {
    expect(decide(slack('D0DIRECT01'), 'live')).toMatchObject({ allowed: false, rule: 'policy.example.yml: direct messages are paste-only' });
  });
});

describe('accounts', () => {
  const policy = policyOf(
    [
      'bindings:',
      '  - name: main',
      '    channels: ["*"]',
      '    accounts: ["111111111111"]',
      '    regions: ["*"]',
      '    groups: ["*"]',
      '    features: [live, probe]',
      '',
    ].join('\n'),
  );

  it('matches an account the caller names', () => {
    expect(evaluate({ policy, supportChannels: [] }, slack('C0ANY00001'), 'live', { ...PRD, accountId: '111111111111' }).allowed).toBe(true);
    expect(evaluate({ policy, supportChannels: [] }, slack('C0ANY00001'), 'live', { ...PRD, accountId: '222222222222' }).reason).toBe(
      'account 222222222222 is not one this binding may look up (111111111111)',
    );
  });

  it('refuses when the account cannot be known', () => {
    expect(evaluate({ policy, supportChannels: [] }, slack('C0ANY00001'), 'live', PRD).reason).toBe('the AWS account is not known, and this binding is limited to account 111111111111');
  });

  it('knows the account from an ACCOUNT_ROLES role for the region, else from defaults.account', () => {
    const accountRoles = { 'ap-northeast-1': 'arn:aws:iam::111111111111:role/redis-diagnose', 'eu-west-1': 'arn:aws:iam::222222222222:role/redis-diagnose' };
    expect(evaluate({ policy, supportChannels: [], accountRoles }, slack('C0ANY00001'), 'live', PRD).allowed).toBe(true);
    expect(evaluate({ policy, supportChannels: [], accountRoles }, slack('C0ANY00001'), 'live', { ...PRD, region: 'eu-west-1' }).allowed).toBe(false);
    const withDefault = { ...policy, defaults: { account: '111111111111' } };
    expect(evaluate({ policy: withDefault, supportChannels: [] }, slack('C0ANY00001'), 'live', PRD).allowed).toBe(true);
    // A region mapped to another account's role is not the default account's.
    expect(evaluate({ policy: withDefault, supportChannels: [], accountRoles }, slack('C0ANY00001'), 'live', { ...PRD, region: 'eu-west-1' }).allowed).toBe(false);
  });
});

describe('order and fallbacks', () => {
  it('lets the first covering binding decide and name the rule', () => {
    const policy = policyOf(
      ['bindings:', '  - name: narrow', '    channels: [C0ANY00001]', '    accounts: ["*"]', '    regions: ["*"]', '    groups: ["prd-*"]', '    features: [live]',
        '  - name: wide', '    channels: [C0ANY00001]', '    accounts: ["*"]', '    regions: ["*"]', '    groups: ["*"]', '    features: [live]', ''].join('\n'),
    );
    const opts = { policy, supportChannels: [] };
    expect(evaluate(opts, slack('C0ANY00001'), 'live', PRD).rule).toBe('policy.yml:2 bindings[0] (narrow)');
    expect(evaluate(opts, slack('C0ANY00001'), 'live', { replicationGroupId: 'dev-x', region: 'us-east-1' }).rule).toBe('policy.yml:8 bindings[1] (wide)');
  });

  it('names a channel absent from the policy, and uses the policy contact before the configured one', () => {
    const policy = policyOf('contact: "@ana"\nbindings: []\n');
    const d = evaluate({ policy, supportChannels: ['C0ANY00001'], contact: '#ignored' }, slack('C0ANY00001'), 'live', PRD);
    expect(d).toMatchObject({ allowed: false, rule: 'policy.yml: no binding for channel C0ANY00001', reason: 'this channel is not in the policy' });
    expect(d.explanation).toMatch(/ask @ana\.$/);
  });

  it('lets a binding that lists a DM id explicitly cover that DM', () => {
    const policy = policyOf('bindings:\n  - channels: [D0DIRECT01]\n    accounts: ["*"]\n    regions: ["*"]\n    groups: ["*"]\n    features: [live]\n');
    expect(evaluate({ policy, supportChannels: [] }, slack('D0DIRECT01', { channelType: 'im' }), 'live', PRD).allowed).toBe(true);
  });

  it('globs: * matches any run, the rest literally', () => {
    expect(globMatch('prd-*', 'prd-redis')).toBe(true);
    expect(globMatch('prd-*', 'prd-')).toBe(true);
    expect(globMatch('prd-*', 'xprd-redis')).toBe(false);
    expect(globMatch('*-cache', 'checkout-cache')).toBe(true);
    expect(globMatch('eu-*', 'us-east-1')).toBe(false);
    expect(globMatch('a.b', 'axb')).toBe(false);
  });
});
