import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../src/diagnosis/analyze.js';

const SEED =
  '[ERROR] ConnectionError: Error 1 connecting to prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com:6379. [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000).';
const CLI = ['dist/src/cli.js'];

describe('the seed error', () => {
  it('is tls-to-plaintext with high confidence, with group, region, host and port (CLI --json)', () => {
    const out = execFileSync('node', [...CLI, '--json', '--no-live', SEED], { encoding: 'utf8' });
    const report = JSON.parse(out);
    expect(report.cause).toBe('tls-to-plaintext');
    expect(report.confidence).toBe('high');
    expect(report.context.replicationGroupId).toBe('prd-redis');
    expect(report.context.region).toBe('ap-northeast-1');
    expect(report.context.endpoint).toEqual({ host: 'prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com', port: 6379 });
    expect(report.findings[0].signature).toBe('python-ssl-wrong-version');
    expect(report.summary).toMatch(/in-transit encryption/);
  });

  it('gives the same diagnosis raw, Slack-escaped, auto-linked and fenced', () => {
    const host = 'prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com';
    const variants = [
      SEED,
      '```' + SEED + '```',
      '```\n' + SEED + '\n```',
      SEED.replace(host, `<http://${host}|${host}>`),
      `&gt; ${SEED.replace(host, `<http://${host}:6379|${host}:6379>`)}`,
      `\u001b[31m${SEED}\u001b[0m\r\n`,
      JSON.stringify({ level: 'ERROR', message: `Traceback (most recent call last):\n  File "/var/task/app.py"\n${SEED}` }),
      `2024-05-01T10:00:00.000Z\t6f1c2a57\t${JSON.stringify({ errorMessage: SEED, errorType: 'ConnectionError', stackTrace: ['  File "/var/task/redis/connection.py", line 283'] })}`,
      `web_1  | ${SEED}`,
      `2024-01-01T00:00:00.000000+00:00 app[web.1]: ${SEED}`,
    ];
    for (const v of variants) {
      const a = analyzeText(v);
      expect({ v, cause: a.diagnosis.cause, conf: a.diagnosis.confidence, group: a.context.replicationGroupId, region: a.context.region, host: a.context.endpoint?.host, port: a.context.endpoint?.port }).toEqual({
        v, cause: 'tls-to-plaintext', conf: 'high', group: 'prd-redis', region: 'ap-northeast-1', host, port: 6379,
      });
    }
  });

  it('prints a readable diagnosis without --json, exit 0', () => {
    const r = spawnSync('node', [...CLI, '--no-live', '--file', 'examples/seed-python-lambda.log'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^# The client speaks TLS, but the endpoint has in-transit encryption disabled/);
    expect(r.stdout).toContain('cause: tls-to-plaintext · confidence: high');
    expect(r.stdout).toContain('group prd-redis');
  });

  it('reads stdin when neither TEXT nor --file is given', () => {
    const r = spawnSync('node', [...CLI, '--json', '--no-live'], { input: SEED, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).cause).toBe('tls-to-plaintext');
  });

  it('exits 2 with a clear message on usage errors', () => {
    for (const args of [['--bogus'], ['--file', 'does/not/exist.log'], ['--region', 'tokyo', 'x'], ['--file', 'a', 'text']]) {
      const r = spawnSync('node', [...CLI, ...args], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^redis-diagnose: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
