// docs/policy.md: "a probe is checked against the host it would dial, not only against a group id typed beside it",
// and a target the policy cannot identify (a CNAME, an IP) does not match a binding limited to groups or regions.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/policy/authorizer.js';
import { parsePolicy } from '../../src/policy/load.js';
import type { Requester } from '../../src/policy/types.js';

const example = (() => {
  const r = parsePolicy(readFileSync('policy.example.yml', 'utf8'), 'policy.example.yml');
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.policy;
})();
const support: Requester = { source: 'slack', channel: 'C0PLATSUPP1', user: 'UANA000001' };
const decide = (target: Parameters<typeof evaluate>[3], feature: 'probe' | 'live' = 'probe') =>
  evaluate({ policy: example, supportChannels: [] }, support, feature, target);

describe('probe scope: the host that would be dialed', () => {
  it('refuses to probe a CNAME in a group-limited binding even when an allowed group id is typed beside it', () => {
    const d = decide({ endpoint: 'redis.internal.example.com:6379', replicationGroupId: 'prd-redis', region: 'ap-northeast-1' });
    expect(d.allowed).toBe(false);
    expect(d.reason).toMatch(/redis\.internal\.example\.com/);
  });

  it('refuses to probe an IP address typed beside an allowed group id', () => {
    expect(decide({ endpoint: '10.0.12.7:6379', replicationGroupId: 'prd-redis', region: 'ap-northeast-1' }).allowed).toBe(false);
  });

  it('still probes an ElastiCache host name that names an allowed group, and still looks up a group by id', () => {
    expect(decide({ endpoint: 'master.prd-redis.abc123.apne1.cache.amazonaws.com:6379', replicationGroupId: 'prd-redis' }).allowed).toBe(true);
    expect(decide({ endpoint: 'redis.internal.example.com:6379', replicationGroupId: 'prd-redis', region: 'ap-northeast-1' }, 'live').allowed).toBe(true);
  });

  it('lets a binding with groups "*" and regions "*" probe a CNAME', () => {
    const open = parsePolicy('bindings:\n  - channels: [C0PLATSUPP1]\n    accounts: ["*"]\n    regions: ["*"]\n    groups: ["*"]\n    features: [probe]\n', 'policy.yml');
    if (!open.ok) throw new Error(open.errors.join('\n'));
    expect(evaluate({ policy: open.policy, supportChannels: [] }, support, 'probe', { endpoint: 'redis.internal.example.com:6379', replicationGroupId: 'prd-redis' }).allowed).toBe(true);
  });
});
