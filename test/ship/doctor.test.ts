import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IAM_ACTIONS, runDoctor } from '../../src/doctor.js';
import { REQUIRED_BOT_SCOPES } from '../../src/slack/registration.js';
import { startFakeElastiCache, type FakeElastiCache } from '../helpers/fake-elasticache.js';
import { DEFAULT_BOT_TOKEN, DEFAULT_SIGNING_SECRET, FakeSlack } from '../helpers/fake-slack.js';
import { startRedisServer } from '../helpers/redis-server.js';

let slack: FakeSlack;
let aws: FakeElastiCache;
const tmp = mkdtempSync(join(tmpdir(), 'rd-ship-doctor-'));

beforeAll(async () => {
  slack = await FakeSlack.start({ scopes: REQUIRED_BOT_SCOPES });
  aws = await startFakeElastiCache({ groups: [{ id: 'prd-redis', transit: 'off', engineVersion: '6.2.6' }] });
});
afterAll(async () => {
  await slack?.stop();
  await aws?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: DEFAULT_BOT_TOKEN,
    SLACK_SIGNING_SECRET: DEFAULT_SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    AWS_REGION: 'ap-northeast-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_ENDPOINT_URL_ELASTICACHE: aws.url,
    AWS_ENDPOINT_URL_STS: aws.url,
    POLICY_FILE: '',
    ...extra,
  };
}

async function doctor(e: Record<string, string>, args: string[] = []): Promise<{ code: number; out: string; lines: string[] }> {
  const lines: string[] = [];
  const code = await runDoctor(args, e, { out: (l) => lines.push(...l.split('\n')) });
  return { code, out: lines.join('\n'), lines };
}

const line = (out: string, start: string) => out.split('\n').find((l) => l.startsWith(start));
const fixAfter = (lines: string[], start: string) => lines[lines.findIndex((l) => l.startsWith(start)) + 1];

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('doctor', () => {
  it('a healthy deployment: every check ok, exit 0', async () => {
    aws.options.deny = [];
    const r = await doctor(env({ REDIS_URL: 'redis://127.0.0.1:6379' }));
    expect(r.out).not.toMatch(/^FAIL/m);
    expect(line(r.out, 'ok    slack token:')).toMatch(/valid \(workspace Fake Workspace/);
    expect(line(r.out, 'ok    slack scopes:')).toBeDefined();
    for (const action of IAM_ACTIONS) expect(line(r.out, `ok    aws ${action}:`)).toBeDefined();
    expect(line(r.out, 'ok    state store:')).toMatch(/redis:\/\/127\.0\.0\.1:6379 answered PONG and accepted a write/);
    expect(line(r.out, 'ok    probe guard:')).toMatch(/\.cache\.amazonaws\.com/);
    expect(line(r.out, 'ok    policy:')).toBeDefined();
    expect(r.code).toBe(0);
  });

  it('a bad Slack token: FAIL with the reason and where to get the right one, and the token is not printed', async () => {
    const r = await doctor(env({ SLACK_BOT_TOKEN: 'xoxb-revoked-or-mistyped-999' }));
    expect(r.code).toBe(1);
    expect(line(r.out, 'FAIL  slack token:')).toBe('FAIL  slack token: Slack rejected SLACK_BOT_TOKEN: invalid_auth');
    expect(fixAfter(r.lines, 'FAIL  slack token:')).toMatch(/fix: copy the Bot User OAuth Token \(xoxb-\) from api\.slack\.com\/apps > your app > OAuth & Permissions/);
    expect(r.out).not.toContain('xoxb-revoked-or-mistyped-999');
    // The other checks still run.
    expect(line(r.out, 'ok    aws elasticache:DescribeReplicationGroups:')).toBeDefined();
  });

  it('a missing IAM action: FAIL names the action and points to deploy/iam-policy.json; the others are ok', async () => {
    aws.options.deny = ['DescribeCacheClusters'];
    try {
      const r = await doctor(env());
      expect(r.code).toBe(1);
      const fail = r.lines.filter((l) => l.startsWith('FAIL'));
      expect(fail).toHaveLength(1);
      expect(fail[0]).toMatch(/^FAIL {2}aws elasticache:DescribeCacheClusters: access denied: the bot's role lacks elasticache:DescribeCacheClusters/);
      expect(fixAfter(r.lines, 'FAIL  aws elasticache:DescribeCacheClusters')).toMatch(/allow "elasticache:DescribeCacheClusters" in the IAM policy .* deploy\/iam-policy\.json/);
      expect(line(r.out, 'ok    aws elasticache:DescribeReplicationGroups:')).toBeDefined();
      expect(line(r.out, 'ok    aws elasticache:ListTagsForResource:')).toBeDefined();
      expect(aws.calls.DescribeCacheClusters).toBeGreaterThan(0);
    } finally {
      aws.options.deny = [];
    }
  });

  it('scopes missing from the token are named', async () => {
    const narrow = await FakeSlack.start({ scopes: ['chat:write', 'commands'] });
    try {
      const r = await doctor(env({ SLACK_API_URL: narrow.apiUrl }));
      expect(r.code).toBe(1);
      const l = line(r.out, 'FAIL  slack scopes:');
      expect(l).toMatch(/the token lacks .*channels:history/);
      expect(l).not.toMatch(/lacks[^(]*chat:write/);
      expect(fixAfter(r.lines, 'FAIL  slack scopes:')).toMatch(/reinstall the app/);
    } finally {
      await narrow.stop();
    }
  });

  it('an unreachable Slack API or a missing token: clear lines, no crash', async () => {
    const port = await freePort();
    const r = await doctor(env({ SLACK_API_URL: `http://127.0.0.1:${port}/api/` }));
    expect(line(r.out, 'FAIL  slack token:')).toMatch(new RegExp(`could not reach the Slack API at http://127.0.0.1:${port}/api/auth.test: ECONNREFUSED`));
    const missing = await doctor(env({ SLACK_BOT_TOKEN: '' }));
    expect(line(missing.out, 'FAIL  configuration: SLACK_BOT_TOKEN is not set')).toBeDefined();
    expect(line(missing.out, 'skip  slack token:')).toMatch(/not checked/);
  });

  it('Socket Mode: the app token is tried with apps.connections.open', async () => {
    const r = await doctor(env({ SLACK_APP_TOKEN: 'xapp-wrong-token' }));
    expect(line(r.out, 'FAIL  slack app token:')).toMatch(/Slack refused a Socket Mode connection with SLACK_APP_TOKEN: invalid_auth/);
    expect(r.out).not.toContain('xapp-wrong-token');
  });

  it('AWS: no region, and a role that cannot be assumed', async () => {
    const noRegion = await doctor(env({ AWS_REGION: '' }));
    expect(line(noRegion.out, 'FAIL  aws region:')).toMatch(/AWS_REGION is not set/);
    aws.options.roles = { 'arn:aws:iam::111122223333:role/read': 'ASIAFAKEROLE0001' };
    const r = await doctor(env({ ACCOUNT_ROLES: '111122223333=arn:aws:iam::111122223333:role/read,eu-west-1=arn:aws:iam::444455556666:role/read' }));
    expect(line(r.out, 'ok    aws role 111122223333:')).toMatch(/assumed arn:aws:iam::111122223333:role\/read/);
    expect(line(r.out, 'FAIL  aws role eu-west-1:')).toMatch(/cannot assume arn:aws:iam::444455556666:role\/read: .*not authorized to perform: sts:AssumeRole/);
    expect(aws.requests.some((q) => q.action === 'DescribeReplicationGroups' && q.accessKeyId === 'ASIAFAKEROLE0001')).toBe(true);
  });

  it('state store: refused and wrong password are told apart, and the password is never printed', async () => {
    const port = await freePort();
    const refused = await doctor(env({ REDIS_URL: `redis://127.0.0.1:${port}` }));
    expect(line(refused.out, 'FAIL  state store:')).toMatch(new RegExp(`redis://127.0.0.1:${port}: .*ECONNREFUSED`));
    expect(fixAfter(refused.lines, 'FAIL  state store:')).toMatch(/nothing listens there/);
    const protectedRedis = await startRedisServer({ mode: 'password' });
    try {
      const wrong = await doctor(env({ REDIS_URL: `redis://:not-the-password@127.0.0.1:${protectedRedis.port}` }));
      expect(line(wrong.out, 'FAIL  state store:')).toMatch(new RegExp(`^FAIL  state store: redis://127.0.0.1:${protectedRedis.port}: WRONGPASS`));
      expect(fixAfter(wrong.lines, 'FAIL  state store:')).toMatch(/put the right password in REDIS_URL/);
      expect(wrong.out).not.toContain('not-the-password');
      const none = await doctor(env({ REDIS_URL: `redis://127.0.0.1:${protectedRedis.port}` }));
      expect(line(none.out, 'FAIL  state store:')).toMatch(/NOAUTH/);
    } finally {
      await protectedRedis.stop();
    }
  });

  it('probe guard settings that are too wide fail', async () => {
    const r = await doctor(env({ PROBE_ALLOWED_HOSTS: '.amazonaws.com,169.254.169.254', PROBE_ALLOWED_PORTS: '22' }));
    const fails = r.lines.filter((l) => l.startsWith('FAIL  probe guard:'));
    expect(fails).toHaveLength(3);
    expect(fails.join('\n')).toMatch(/\.amazonaws\.com is too broad/);
    expect(fails.join('\n')).toMatch(/169\.254\.169\.254, an instance metadata address/);
    expect(fails.join('\n')).toMatch(/PROBE_ALLOWED_PORTS has 22/);
  });

  it('a policy file with a mistake fails with its line', async () => {
    const file = join(tmp, 'policy.yml');
    writeFileSync(file, 'bindings:\n  - channels: ["C0123ABCDEF"]\n    features: [diagnose, probes]\n');
    const r = await doctor(env({ POLICY_FILE: file }));
    expect(line(r.out, 'FAIL  policy:')).toMatch(/policy\.yml:3 .*probes/);
  });

  it('--json gives the same checks as data; usage errors exit 2', async () => {
    const r = await doctor(env(), ['--json']);
    const parsed = JSON.parse(r.out) as { ok: boolean; checks: { status: string; name: string }[] };
    expect(parsed.ok).toBe(true);
    expect(parsed.checks.map((c) => c.name)).toContain('slack token');
    expect((await doctor(env(), ['--bogus'])).code).toBe(2);
  });

  it('`redis-diagnose doctor` as a process: a bad Slack token and a missing IAM action, each on its own FAIL line, exit 1', async () => {
    aws.options.deny = ['DescribeServerlessCaches'];
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../../src/cli.ts'), 'doctor'], {
        cwd: join(import.meta.dirname, '../..'),
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, ...env({ SLACK_BOT_TOKEN: 'xoxb-typo-in-the-token' }) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
      child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(code, out).toBe(1);
      const fails = out.split('\n').filter((l) => l.startsWith('FAIL'));
      expect(fails).toEqual([
        'FAIL  slack token: Slack rejected SLACK_BOT_TOKEN: invalid_auth',
        expect.stringMatching(/^FAIL {2}aws elasticache:DescribeServerlessCaches: access denied: the bot's role lacks elasticache:DescribeServerlessCaches/),
      ]);
      expect(out).toMatch(/\n2 problems found\.\n$/);
      expect(out).not.toContain('xoxb-typo-in-the-token');
    } finally {
      aws.options.deny = [];
    }
  });

  it('checks exactly the IAM actions in deploy/iam-policy.json', () => {
    const path = join(import.meta.dirname, '../../deploy/iam-policy.json');
    expect(existsSync(path), 'deploy/iam-policy.json (live engineer) is missing').toBe(true);
    const policy = JSON.parse(readFileSync(path, 'utf8')) as { Statement: { Action: string | string[] }[] };
    const actions = policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).filter((a) => a.startsWith('elasticache:'));
    expect([...new Set(actions)].sort()).toEqual([...IAM_ACTIONS].sort());
  });
});
