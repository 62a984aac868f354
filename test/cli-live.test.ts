// The CLI end to end with live facts: the real SDK in a child process, against the local ElastiCache endpoint.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeElastiCache, type FakeElastiCache } from './helpers/fake-elasticache.js';

const run = promisify(execFile);
const SEED =
  '[ERROR] ConnectionError: Error 1 connecting to prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com:6379. [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000).';
let fake: FakeElastiCache;

beforeAll(async () => {
  fake = await startFakeElastiCache({
    groups: [
      { id: 'prd-redis', region: 'ap-northeast-1', transit: 'off', engine: 'redis', engineVersion: '6.2.6', hash: 'abc123' },
      { id: 'req-redis', region: 'ap-northeast-1', transit: 'required', engine: 'redis', engineVersion: '7.1.0', hash: 'abc123' },
    ],
  });
});
afterAll(() => fake.close());

function cli(args: string[], extraEnv: Record<string, string> = {}) {
  return run('node', ['dist/src/cli.js', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: '/nonexistent',
      AWS_ENDPOINT_URL_ELASTICACHE: fake.url,
      AWS_ACCESS_KEY_ID: 'AKIATESTCLILIVE00000',
      AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
      AWS_REGION: 'ap-northeast-1',
      ...extraEnv,
    },
    timeout: 20_000,
  });
}

describe('redis-diagnose --live', () => {
  it('the seed line against prd-redis (TLS off, 6.2.6): tls-to-plaintext, high, with the live flag and engine version', async () => {
    const { stdout } = await cli(['--json', '--live', SEED]);
    const report = JSON.parse(stdout);
    expect(report.cause).toBe('tls-to-plaintext');
    expect(report.confidence).toBe('high');
    expect(report.live.group.transitEncryptionEnabled).toBe(false);
    expect(report.live.group.engineVersion).toBe('6.2.6');
    expect(fake.calls.DescribeReplicationGroups).toBeGreaterThanOrEqual(1);
    // The engine is older than 7.0.5: the fix must warn about replacement before any diff.
    expect(report.fix.warnings.join(' ')).toMatch(/replace/i);
  });

  it('a group id alone is a valid input: a summary of its connection settings', async () => {
    const { stdout } = await cli(['--group', 'req-redis']);
    expect(stdout).toMatch(/TransitEncryptionEnabled=true/);
    expect(stdout).toMatch(/rediss:\/\//);
  });

  it('on by default when AWS credentials are configured; off without them, and with --no-live', async () => {
    fake.reset();
    expect(JSON.parse((await cli(['--json', SEED])).stdout).live.group.replicationGroupId).toBe('prd-redis');
    expect(fake.calls.DescribeReplicationGroups).toBeGreaterThanOrEqual(1);
    fake.reset();
    const noCreds = await run('node', ['dist/src/cli.js', '--json', SEED], { env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent' } });
    expect(JSON.parse(noCreds.stdout).live).toBeUndefined();
    expect(JSON.parse((await cli(['--json', '--no-live', SEED])).stdout).live).toBeUndefined();
    expect(fake.calls.DescribeReplicationGroups ?? 0).toBe(0);
  });

  it('AWS denying access: still the paste diagnosis, and says what could not be checked', async () => {
    const denying = await startFakeElastiCache({ deny: ['DescribeReplicationGroups'] });
    try {
      const { stdout } = await cli(['--json', SEED], { AWS_ENDPOINT_URL_ELASTICACHE: denying.url });
      const report = JSON.parse(stdout);
      expect(report.cause).toBe('tls-to-plaintext');
      expect(report.live.errors.join(' ')).toMatch(/elasticache:DescribeReplicationGroups/);
    } finally {
      await denying.close();
    }
  });
});

describe('redis-diagnose --terraform-dir DIR --live', () => {
  it('prints the plan, warnings first, and diffs that git apply accepts in DIR (seed: engine 6.2.6)', async () => {
    const { cpSync, mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'rd-tf-'));
    try {
      cpSync(new URL('./fixtures/terraform/seed', import.meta.url).pathname, dir, { recursive: true });
      await run('git', ['init', '-q'], { cwd: dir });
      const { stdout } = await cli(['--json', '--live', '--terraform-dir', dir, SEED]);
      const report = JSON.parse(stdout);
      expect(report.fix.warnings[0]).toMatch(/replace/i);
      const changes = report.fix.terraformChanges as { diff: string; alternative?: boolean }[];
      expect(changes.length).toBeGreaterThanOrEqual(2);
      // The main path's diffs apply one after the other, each against the result of the previous step.
      for (const [i, change] of changes.filter((c) => !c.alternative).entries()) {
        const patch = join(dir, `step-${i}.patch`);
        writeFileSync(patch, change.diff);
        await run('git', ['apply', '--check', patch], { cwd: dir });
        await run('git', ['apply', patch], { cwd: dir });
      }
      const text = (await cli(['--live', '--terraform-dir', dir, SEED])).stdout;
      expect(text.indexOf('## Warnings')).toBeLessThan(text.indexOf('## Terraform'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
