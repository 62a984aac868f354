import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { createAuthorizer } from '../../src/policy/default.js';
import { parsePolicy } from '../../src/policy/load.js';

function capture() {
  const lines: Record<string, any>[] = [];
  const logger = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { lines, logger };
}

describe('audit log and metrics', () => {
  it('writes one structured line per live/probe decision and per denial, with user, channel, target, feature, decision and rule', async () => {
    const { lines, logger } = capture();
    const metrics = createMetrics(new Registry());
    const authorizer = createAuthorizer({ supportChannels: ['C0SUPPORT1'], logger, metrics });
    const target = { replicationGroupId: 'prd-redis', region: 'ap-northeast-1' };

    authorizer.decide({ source: 'slack', channel: 'C0SUPPORT1', user: 'UANA000001', requestId: 'Ev123' }, 'live', target);
    authorizer.decide({ source: 'slack', channel: 'C0RANDOM01', user: 'UBOB000001' }, 'probe', { endpoint: 'master.prd-redis.abc123.apne1.cache.amazonaws.com:6379' });
    authorizer.decide({ source: 'slack', channel: 'C0RANDOM01', user: 'UBOB000001' }, 'diagnose', target);
    authorizer.decide({ source: 'slack', channel: 'C0RANDOM01', user: 'UBOB000001' }, 'terraform', target);

    expect(lines).toHaveLength(3); // the always-allowed paste diagnosis is not an infrastructure decision
    expect(lines[0]).toMatchObject({
      audit: 'policy', requestId: 'Ev123', user: 'UANA000001', channel: 'C0SUPPORT1', feature: 'live', decision: 'allow',
      rule: 'default: live, probe and terraform in SUPPORT_CHANNELS',
      target: { replicationGroupId: 'prd-redis', region: 'ap-northeast-1', accountId: null, endpoint: null },
      msg: 'policy allow live',
    });
    expect(lines[1]).toMatchObject({
      user: 'UBOB000001', channel: 'C0RANDOM01', feature: 'probe', decision: 'deny',
      rule: 'default: live, probe and terraform only in SUPPORT_CHANNELS', reason: 'this channel is not one of the support channels',
      target: { replicationGroupId: 'prd-redis', region: 'ap-northeast-1', endpoint: 'master.prd-redis.abc123.apne1.cache.amazonaws.com:6379' },
    });
    expect(lines[2]).toMatchObject({ feature: 'terraform', decision: 'deny' });

    const counted = (await metrics.registry.getSingleMetric('redis_diagnose_policy_decisions_total')!.get()).values;
    const value = (feature: string, decision: string) => counted.find((v) => v.labels.feature === feature && v.labels.decision === decision)?.value;
    expect([value('live', 'allow'), value('probe', 'deny'), value('diagnose', 'allow'), value('terraform', 'deny')]).toEqual([1, 1, 1, 1]);
  });

  it('never logs a password from an endpoint URL', () => {
    const { lines, logger } = capture();
    const authorizer = createAuthorizer({ supportChannels: [], logger });
    const d = authorizer.decide({ source: 'slack', channel: 'C0RANDOM01', user: 'U1' }, 'probe', { endpoint: 'rediss://default:hunter2-secret@prd.example.com:6380/0' });
    expect(JSON.stringify(lines)).not.toContain('hunter2');
    expect(d.explanation).not.toContain('hunter2');
    expect(lines[0]!.target.endpoint).toBe('prd.example.com:6380');
  });

  it('carries the policy binding as the rule, and exposes the user groups the Slack side must resolve', () => {
    const { lines, logger } = capture();
    const r = parsePolicy('bindings:\n  - name: oncall\n    channels: [C0INCIDENT1]\n    userGroups: [S0ONCALL001]\n    accounts: ["*"]\n    regions: ["*"]\n    groups: ["*"]\n    features: [live]\n');
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const authorizer = createAuthorizer({ policy: r.policy, supportChannels: [], logger });
    expect(authorizer.userGroupIds).toEqual(['S0ONCALL001']);
    expect(createAuthorizer({ supportChannels: [] }).userGroupIds).toEqual([]);
    authorizer.decide({ source: 'slack', channel: 'C0INCIDENT1', user: 'U1', userGroups: ['S0ONCALL001'] }, 'live', { replicationGroupId: 'x', region: 'us-east-1' });
    expect(lines.map((l) => [l.decision, l.rule])).toEqual([['allow', 'policy.yml:2 bindings[0] (oncall)']]);
  });
});
