import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_PROBE_ALLOWED_HOSTS, inspectConfig, loadConfig } from '../../src/config.js';

const HTTP_ENV = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'abcdef0123456789' };
const tmp = mkdtempSync(join(tmpdir(), 'rd-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return [];
}

describe('loadConfig', () => {
  it('HTTP mode with defaults when only the tokens are set', () => {
    const c = loadConfig(HTTP_ENV);
    expect(c.slack).toEqual({ botToken: 'xoxb-1-2-abc', signingSecret: 'abcdef0123456789' });
    expect(c.port).toBe(3000);
    expect(c.supportChannels).toEqual([]);
    expect(c.redisUrl).toBeUndefined();
    expect(c.probeAllowedHosts).toEqual(DEFAULT_PROBE_ALLOWED_HOSTS);
    expect(c.probeAllowedPorts).toEqual([]);
    expect(c.policyFile).toBe('policy.yml');
    expect(c.logLevel).toBe('info');
  });

  it('Socket Mode needs no signing secret', () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-A1-2-x' });
    expect(c.slack.appToken).toBe('xapp-1-A1-2-x');
    expect(inspectConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).mode).toBe('socket');
  });

  it('reads every variable', () => {
    const c = loadConfig({
      ...HTTP_ENV,
      PORT: '8080',
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
      SUPPORT_CHANNELS: 'C0123ABCDEF, G0123ABCDEF',
      REDIS_URL: 'rediss://:pw@cache.example.com:6379',
      ACCOUNT_ROLES: '{"123456789012":"arn:aws:iam::123456789012:role/read","eu-west-1":"arn:aws:iam::210987654321:role/read"}',
      PROBE_ALLOWED_HOSTS: '*.redis.example.com,10.0.0.5,[::1]',
      PROBE_ALLOWED_PORTS: '6390, 7000,6390',
      TERRAFORM_DIR: tmp,
      POLICY_CONTACT: '#platform-team',
      LOG_LEVEL: 'debug',
      AWS_REGION: 'ap-northeast-1',
    });
    expect(c.port).toBe(8080);
    expect(c.slack.apiUrl).toBe('http://127.0.0.1:9999/api/');
    expect(c.supportChannels).toEqual(['C0123ABCDEF', 'G0123ABCDEF']);
    expect(c.redisUrl).toBe('rediss://:pw@cache.example.com:6379');
    expect(c.accountRoles).toEqual({ '123456789012': 'arn:aws:iam::123456789012:role/read', 'eu-west-1': 'arn:aws:iam::210987654321:role/read' });
    expect(c.probeAllowedHosts).toEqual(['.redis.example.com', '10.0.0.5', '::1']);
    expect(c.probeAllowedPorts).toEqual([6390, 7000]);
    expect(c.terraformDir).toBe(tmp);
    expect(c.policyContact).toBe('#platform-team');
    expect(c.logLevel).toBe('debug');
    expect(c.awsRegion).toBe('ap-northeast-1');
  });

  it('ACCOUNT_ROLES also takes KEY=ARN pairs', () => {
    const c = loadConfig({ ...HTTP_ENV, ACCOUNT_ROLES: '123456789012=arn:aws:iam::123456789012:role/a, cn-north-1=arn:aws-cn:iam::123456789012:role/b' });
    expect(c.accountRoles).toEqual({ '123456789012': 'arn:aws:iam::123456789012:role/a', 'cn-north-1': 'arn:aws-cn:iam::123456789012:role/b' });
  });

  it('treats empty values as unset', () => {
    const c = loadConfig({ ...HTTP_ENV, PORT: '', REDIS_URL: ' ', SLACK_APP_TOKEN: '' });
    expect(c.port).toBe(3000);
    expect(c.redisUrl).toBeUndefined();
    expect(c.slack.appToken).toBeUndefined();
  });
});

describe('configuration errors name each variable and what it should look like', () => {
  it('missing tokens: one line each, saying where to get them', () => {
    const problems = problemsOf({});
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^SLACK_BOT_TOKEN is not set: .*xoxb-/);
    expect(problems[1]).toMatch(/^SLACK_SIGNING_SECRET is not set: HTTP mode .*Signing Secret.*SLACK_APP_TOKEN/);
  });

  it('the error message lists every problem on its own line, without a stack', () => {
    try {
      loadConfig({ PORT: 'http' });
      expect.unreachable();
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg.split('\n')[0]).toBe('configuration error:');
      expect(msg.split('\n').slice(1).map((l) => l.trim().split(' ')[0])).toEqual(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'PORT']);
      expect(msg).not.toMatch(/\bat .*\.ts:\d+/);
    }
  });

  it('wrong kinds of token are named without echoing them', () => {
    const problems = problemsOf({ SLACK_BOT_TOKEN: 'xapp-1-secretvalue', SLACK_APP_TOKEN: 'xoxb-2-secretvalue' });
    expect(problems[0]).toMatch(/^SLACK_BOT_TOKEN does not start with xoxb-/);
    expect(problems[1]).toMatch(/^SLACK_APP_TOKEN does not start with xapp-/);
    expect(problems.join('\n')).not.toContain('secretvalue');
  });

  it.each([
    ['PORT', '70000', /^PORT is 70000: it should be a TCP port number from 0 to 65535/],
    ['PORT', 'eighty', /^PORT is 'eighty': it should be a TCP port number/],
    ['SLACK_API_URL', 'slack.com/api', /^SLACK_API_URL is 'slack.com\/api': it should be an http\(s\) URL/],
    ['SUPPORT_CHANNELS', 'C0123ABCDEF,#support', /^SUPPORT_CHANNELS entry '#support' is not a channel id: use ids like C0123ABCDEF/],
    ['ACCOUNT_ROLES', '{"123":"x"}', /^ACCOUNT_ROLES key '123' is neither a 12-digit AWS account id nor a region/],
    ['ACCOUNT_ROLES', '123456789012=role/x', /^ACCOUNT_ROLES value for 123456789012 is not an IAM role ARN: it should look like arn:aws:iam::/],
    ['ACCOUNT_ROLES', '{oops', /^ACCOUNT_ROLES looks like JSON but does not parse/],
    ['ACCOUNT_ROLES', 'arn:aws:iam::123456789012:role/x', /^ACCOUNT_ROLES entry .* has no KEY=ARN/],
    ['PROBE_ALLOWED_HOSTS', '*', /^PROBE_ALLOWED_HOSTS has '\*': a wildcard would let the probe dial anything/],
    ['PROBE_ALLOWED_HOSTS', 'redis.example.com:6379', /^PROBE_ALLOWED_HOSTS entry .* has a port: .*PROBE_ALLOWED_PORTS/],
    ['PROBE_ALLOWED_HOSTS', 'https://redis.example.com', /^PROBE_ALLOWED_HOSTS entry .* is a URL/],
    ['PROBE_ALLOWED_PORTS', '6379,abc', /^PROBE_ALLOWED_PORTS entry 'abc' is not a port number from 1 to 65535/],
    ['LOG_LEVEL', 'verbose', /^LOG_LEVEL is 'verbose': it should be one of fatal, error, warn, info, debug, trace, silent/],
    ['AWS_REGION', 'Tokyo', /^AWS_REGION is 'Tokyo': it should be an AWS region code like ap-northeast-1/],
    ['AWS_ENDPOINT_URL_ELASTICACHE', 'localhost:4566', /^AWS_ENDPOINT_URL_ELASTICACHE is 'localhost:4566': it should be an http\(s\) URL/],
    ['TERRAFORM_DIR', '/nonexistent/infra', /^TERRAFORM_DIR '\/nonexistent\/infra' is not a directory/],
    ['POLICY_FILE', '/nonexistent/policy.yml', /^POLICY_FILE '\/nonexistent\/policy.yml' does not exist: copy policy.example.yml/],
  ])('%s=%s', (name, value, expected) => {
    const problems = problemsOf({ ...HTTP_ENV, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it('a bad REDIS_URL is named, its password is not repeated', () => {
    const problems = problemsOf({ ...HTTP_ENV, REDIS_URL: 'http://:hunter2@cache:6379' });
    expect(problems).toEqual([expect.stringMatching(/^REDIS_URL is not a Redis URL: it should look like redis:\/\/host:6379/)]);
    expect(problems[0]).not.toContain('hunter2');
  });

  it('a POLICY_FILE that exists is accepted; the default policy.yml may be absent', () => {
    const file = join(tmp, 'policy.yml');
    writeFileSync(file, 'bindings: []\n');
    expect(loadConfig({ ...HTTP_ENV, POLICY_FILE: file }).policyFile).toBe(file);
    expect(loadConfig({ ...HTTP_ENV }).policyFileExplicit).toBe(false);
  });

  it('inspectConfig reports problems and still returns usable defaults', () => {
    const r = inspectConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', PORT: 'x', SUPPORT_CHANNELS: 'C0123ABCDEF,general' });
    expect(r.problems).toHaveLength(2);
    expect(r.config.port).toBe(3000);
    expect(r.config.supportChannels).toEqual(['C0123ABCDEF']);
  });
});
