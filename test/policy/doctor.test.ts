import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPolicyFile } from '../../src/policy/doctor.js';

const dir = mkdtempSync(join(tmpdir(), 'rd-doctor-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('checkPolicyFile (for redis-diagnose doctor)', () => {
  it('passes the shipped example with a one-line summary and no warnings', () => {
    expect(checkPolicyFile('policy.example.yml')).toEqual({ ok: true, messages: ['policy.example.yml: valid, 4 bindings, contact #platform-infra'] });
  });

  it('fails a bad file with every mistake, line and field', () => {
    const p = file('bad.yml', 'bindings:\n  - channels: ["#support"]\n    features: [probes]\n');
    expect(checkPolicyFile(p)).toEqual({
      ok: false,
      messages: [
        `bad.yml:2 bindings[0].channels[0]: "#support" is a channel name; use the channel's id (like C0123456789), shown at the bottom of the channel's About tab`,
        'bad.yml:3 bindings[0].features[0]: "probes" is not a feature; use one of diagnose, live, probe, terraform',
      ],
    });
  });

  it('says what applies when there is no file', () => {
    const r = checkPolicyFile(join(dir, 'none.yml'), { supportChannels: ['C0SUPPORT1'] });
    expect(r.ok).toBe(true);
    expect(r.messages[0]).toContain('not found; the safe defaults apply');
    expect(r.messages[0]).toContain('only in SUPPORT_CHANNELS (C0SUPPORT1)');
    expect(checkPolicyFile(join(dir, 'none.yml'), { explicit: true })).toEqual({
      ok: false,
      messages: [`POLICY_FILE=${join(dir, 'none.yml')}: no such file; the bot will not start (unset POLICY_FILE to run with the safe defaults)`],
    });
  });

  it('warns about bindings likely to surprise, without failing', () => {
    const p = file(
      'wide.yml',
      [
        'bindings:',
        '  - channels: ["*"]',
        '    accounts: ["*"]',
        '    regions: ["*"]',
        '    groups: ["*"]',
        '    features: [live, probe]',
        '  - channels: [C0TEAM0001]',
        '    accounts: ["111111111111"]',
        '    regions: ["*"]',
        '    groups: ["*"]',
        '    features: [terraform]',
        '',
      ].join('\n'),
    );
    expect(checkPolicyFile(p)).toEqual({
      ok: true,
      messages: [
        'wide.yml: valid, 2 bindings',
        'wide.yml: warning: no contact; denials will say "ask the team that runs this bot" (set contact: or POLICY_CONTACT)',
        'wide.yml:2 bindings[0]: warning: every channel may use live, probe on every group in every account',
        "wide.yml:7 bindings[1]: warning: limited to accounts 111111111111, but the bot cannot tell which account a look-up reaches: set defaults.account (the bot's own account) or map regions in ACCOUNT_ROLES",
        'wide.yml:7 bindings[1]: warning: grants terraform without live; the Terraform diff will be planned from the paste alone',
      ],
    });
    expect(checkPolicyFile(p, { accountRoles: { 'us-east-1': 'arn:aws:iam::111111111111:role/rd' } }).messages).not.toContainEqual(expect.stringContaining('cannot tell which account'));
  });
});
