import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyError, authorizerFromConfig } from '../../src/policy/index.js';

const dir = mkdtempSync(join(tmpdir(), 'rd-fromconfig-'));
const base = { supportChannels: ['C0SUPPORT1'], accountRoles: {}, policyContact: '#ops' };
const slack = (channel: string) => ({ source: 'slack' as const, channel, user: 'U1' });

describe('authorizerFromConfig (start-up)', () => {
  it('runs on the safe defaults when the default policy.yml is absent', () => {
    const { authorizer, policy } = authorizerFromConfig({ ...base, policyFile: join(dir, 'policy.yml') });
    expect(policy).toBeUndefined();
    expect(authorizer.decide(slack('C0SUPPORT1'), 'live', {}).allowed).toBe(true);
    expect(authorizer.decide(slack('C0OTHER001'), 'live', {}).explanation).toMatch(/ask #ops\.$/);
  });

  it('refuses to start when an explicitly set POLICY_FILE is missing', () => {
    expect(() => authorizerFromConfig({ ...base, policyFile: join(dir, 'typo.yml'), policyFileExplicit: true })).toThrow(PolicyError);
  });

  it('refuses to start on a file with mistakes, and uses a good file instead of SUPPORT_CHANNELS', () => {
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'bindings:\n  - channels: [C0SUPPORT1]\n    features: [probes]\n');
    expect(() => authorizerFromConfig({ ...base, policyFile: bad })).toThrow(/bad\.yml:3 bindings\[0\]\.features\[0\]: "probes" is not a feature/);
    const good = join(dir, 'good.yml');
    writeFileSync(good, 'bindings: []\n');
    const { authorizer, policy } = authorizerFromConfig({ ...base, policyFile: good });
    expect(policy?.bindings).toEqual([]);
    expect(authorizer.decide(slack('C0SUPPORT1'), 'live', {})).toMatchObject({ allowed: false, rule: 'good.yml: no binding for channel C0SUPPORT1' });
  });
});
