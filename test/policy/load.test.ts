import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PolicyError, loadPolicyFile, parsePolicy } from '../../src/policy/load.js';

const errorsOf = (text: string, file = 'policy.yml') => {
  const r = parsePolicy(text, file);
  if (r.ok) throw new Error('expected the policy to be refused');
  return r.errors;
};

describe('policy file: good files', () => {
  it('reads the shipped example', () => {
    const r = parsePolicy(readFileSync('policy.example.yml', 'utf8'), 'policy.example.yml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.policy.contact).toBe('#platform-infra');
    expect(r.policy.defaults.account).toBe('111111111111');
    expect(r.policy.bindings.map((b) => b.name)).toEqual(['platform-support', 'incident-oncall', 'team-checkout', 'everywhere-else']);
    expect(r.policy.bindings[1]!.userGroups).toEqual(['S0ONCALL001']);
  });

  it('records each binding line, takes a single value as a one-item list, keeps an unquoted account id intact', () => {
    const r = parsePolicy(
      ['bindings:', '  - channels: C0SUPPORT1', '    accounts: 012345678901', '    regions: "*"', '    groups: [prd-*]', '    features: [live, live, probe]', ''].join('\n'),
      '/etc/redis-diagnose/policy.yml',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.policy.source).toBe('policy.yml');
    expect(r.policy.bindings[0]).toMatchObject({ index: 0, line: 2, channels: ['C0SUPPORT1'], accounts: ['012345678901'], regions: ['*'], features: ['live', 'probe'] });
  });

  it('accepts an empty bindings list (paste-only everywhere) and a diagnose-only binding without scope', () => {
    expect(parsePolicy('bindings: []\n').ok).toBe(true);
    const r = parsePolicy('bindings:\n  - channels: ["*"]\n    features: [diagnose]\n');
    expect(r.ok && r.policy.bindings[0]!.accounts).toEqual([]);
  });
});

describe('policy file: mistakes, each with line and field', () => {
  it('names a wrong feature, a channel name, a user-group handle and a misspelled field', () => {
    const text = [
      'contact: "#platform-infra"', // 1
      'bindings:', // 2
      '  - name: support', // 3
      '    channels: [C0PLATFORM1]', // 4
      '    accounts: ["111111111111"]', // 5
      '    regions: [ap-northeast-1]', // 6
      '    features: [diagnose, live, probes]', // 7
      '    groups: ["prd-*"]', // 8
      '  - channels: ["#support"]', // 9
      '    feature: [live]', // 10
      '    userGroups: ["@oncall"]', // 11
      '',
    ].join('\n');
    expect(errorsOf(text)).toEqual([
      'policy.yml:7 bindings[0].features[2]: "probes" is not a feature; use one of diagnose, live, probe, terraform',
      `policy.yml:9 bindings[1].channels[0]: "#support" is a channel name; use the channel's id (like C0123456789), shown at the bottom of the channel's About tab`,
      'policy.yml:9 bindings[1].features: missing; list features (diagnose, live, probe, terraform), like [diagnose, live]',
      'policy.yml:10 bindings[1].feature: unknown field; did you mean "features"?',
      'policy.yml:11 bindings[1].userGroups[0]: "@oncall" is a user-group handle; use the group\'s id (like S0123456789), from its page in Slack or usergroups.list',
    ]);
  });

  it('asks for accounts, regions and groups when a binding grants live', () => {
    expect(errorsOf('bindings:\n  - channels: [C0PLATFORM1]\n    features: [live]\n')).toEqual([
      'policy.yml:2 bindings[0].accounts: missing; this binding grants live, so list the AWS account ids it may look up, or ["*"]',
      'policy.yml:2 bindings[0].regions: missing; this binding grants live, so list the AWS regions, or ["*"]',
      'policy.yml:2 bindings[0].groups: missing; this binding grants live, so list the replication group id patterns, like ["prd-*"], or ["*"]',
    ]);
  });

  it('explains bad account, region and group values and an empty feature list', () => {
    const text = [
      'bindings:',
      '  - channels: [C0PLATFORM1]',
      '    accounts: [12345]',
      '    regions: [tokyo]',
      '    groups: [prd_redis]',
      '    features: []',
      'defaults: 5',
      '',
    ].join('\n');
    expect(errorsOf(text)).toEqual([
      'policy.yml:3 bindings[0].accounts[0]: "12345" is not an AWS account id; use 12 digits in quotes, like "123456789012", or "*"',
      'policy.yml:4 bindings[0].regions[0]: "tokyo" is not an AWS region; use a region like ap-northeast-1, or a pattern like "eu-*"',
      'policy.yml:5 bindings[0].groups[0]: "prd_redis" is not a group id pattern; use letters, digits, hyphens and * (at most 40 characters), like "prd-*"',
      'policy.yml:6 bindings[0].features: is empty; list features (diagnose, live, probe, terraform), like [diagnose, live]',
      'policy.yml:7 defaults: must be a mapping, like `account: "123456789012"`',
    ]);
  });

  it('answers an empty file, a list instead of a mapping, a misspelled top-level key, and a YAML syntax error', () => {
    expect(errorsOf('')).toEqual(['policy.yml:1 the file is empty; write at least `bindings: []` (paste-only everywhere), see policy.example.yml']);
    expect(errorsOf('- a\n')).toEqual(['policy.yml:1 the policy must be a YAML mapping with `bindings:` (and optionally `contact:` and `defaults:`)']);
    expect(errorsOf('contact: x\nbinding: []\n')).toEqual([
      'policy.yml:1 bindings: missing; list the bindings, or write `bindings: []` for paste-only everywhere',
      'policy.yml:2 binding: unknown field; did you mean "bindings"?',
    ]);
    // The yaml package's own words, behind the line they refer to.
    expect(errorsOf('bindings:\n  - channels: [C0PLATFORM1\n    features: [diagnose]\n')).toEqual([
      'policy.yml:3 YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(errorsOf('bindings:\n\t- channels: [C0PLATFORM1]\n')).toEqual(['policy.yml:2 YAML syntax: Tabs are not allowed as indentation']);
    expect(errorsOf('contact: a\ncontact: b\nbindings: []\n')).toEqual(['policy.yml:2 YAML syntax: Map keys must be unique']);
  });
});

describe('loadPolicyFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rd-policy-'));

  it('reports a missing file as missing (the safe defaults apply), not as an error', () => {
    expect(loadPolicyFile(join(dir, 'absent.yml'))).toEqual({ missing: true });
  });

  it('throws a PolicyError listing every mistake, so the bot never runs on a misread policy', () => {
    const file = join(dir, 'bad.yml');
    writeFileSync(file, 'bindings:\n  - channels: [C0PLATFORM1]\n    features: [probes]\n');
    let caught: unknown;
    try {
      loadPolicyFile(file);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PolicyError);
    expect((caught as PolicyError).errors).toEqual(['bad.yml:3 bindings[0].features[0]: "probes" is not a feature; use one of diagnose, live, probe, terraform']);
    expect((caught as PolicyError).message).toContain('bad.yml:3 bindings[0].features[0]');
  });

  it('loads a good file', () => {
    const file = join(dir, 'good.yml');
    writeFileSync(file, 'contact: "@ana"\nbindings: []\n');
    expect(loadPolicyFile(file)).toMatchObject({ missing: false, policy: { source: 'good.yml', contact: '@ana', bindings: [] } });
  });
});
