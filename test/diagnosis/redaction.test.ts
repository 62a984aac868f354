import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../src/diagnosis/analyze.js';
import { redact } from '../../src/diagnosis/redact.js';

const SECRETS = {
  urlPassword: 'hunter2-Url-Secret',
  userPassword: 'p4ss-with-user',
  authArg: 'Auth-Arg-S3cret',
  authUserPass: 'AclUserPass-77',
  cliFlag: 'cli-flag-pw-99',
  setting: 'settingPw_123',
  authToken: 'tok-ElastiCache-4242',
  akid: 'AKIAIOSFODNN7EXAMPLE',
  secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  slack: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  requirepass: 'conf-pass-xyz',
};

const PASTE = `Traceback (most recent call last):
  File "/app/worker.py", line 12, in <module>
    r = redis.from_url("rediss://:${SECRETS.urlPassword}@master.prd-redis.abc123.use1.cache.amazonaws.com:6379/0")
REDIS_URL=redis://app:${SECRETS.userPassword}@prd-redis.abc123.ng.0001.use1.cache.amazonaws.com:6379
$ redis-cli -h prd-redis.abc123.ng.0001.use1.cache.amazonaws.com -a ${SECRETS.cliFlag} --tls
127.0.0.1:6379> AUTH ${SECRETS.authArg}
1701234567.123 [0 10.0.0.5:51234] "AUTH" "app" "${SECRETS.authUserPass}"
settings: password=${SECRETS.setting}
auth_token = "${SECRETS.authToken}"
AWS_ACCESS_KEY_ID=${SECRETS.akid}
aws_secret_access_key = ${SECRETS.secretKey}
SLACK_BOT_TOKEN=${SECRETS.slack}
requirepass ${SECRETS.requirepass}
redis.exceptions.AuthenticationError: WRONGPASS invalid username-password pair or user is disabled.`;

describe('redaction', () => {
  it('removes every secret from the analysed text and counts them', () => {
    const r = redact(PASTE);
    for (const [name, secret] of Object.entries(SECRETS)) expect(r.text, name).not.toContain(secret);
    expect(r.count).toBeGreaterThanOrEqual(Object.keys(SECRETS).length);
    // Diagnostic words survive: the error is still readable.
    expect(r.text).toContain('WRONGPASS invalid username-password pair');
    expect(r.text).toContain('master.prd-redis.abc123.use1.cache.amazonaws.com:6379');
  });

  it('never lets a secret reach any output: JSON and text, from the CLI', () => {
    for (const args of [['--json'], []]) {
      const r = spawnSync('node', ['dist/src/cli.js', '--no-live', ...args], { input: PASTE, encoding: 'utf8' });
      expect(r.status).toBe(0);
      for (const [name, secret] of Object.entries(SECRETS)) {
        expect(r.stdout, name).not.toContain(secret);
        expect(r.stderr, name).not.toContain(secret);
      }
    }
    const report = JSON.parse(spawnSync('node', ['dist/src/cli.js', '--no-live', '--json'], { input: PASTE, encoding: 'utf8' }).stdout);
    expect(report.redactions).toBeGreaterThanOrEqual(Object.keys(SECRETS).length);
    expect(report.cause).toBe('auth-rejected');
  });

  it('does not mistake error words for passwords', () => {
    for (const line of [
      'NOAUTH Authentication required.',
      'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
      'ERR Client sent AUTH, but no password is set',
      'AUTH failed: WRONGPASS invalid username-password pair',
    ]) {
      expect(redact(line)).toEqual({ text: line, count: 0 });
    }
  });

  it("hides a password that contains '@' (pasted unencoded) up to the host", () => {
    const r = redact('REDIS_URL=rediss://:p@ss-w0rd@master.g1.abc123.euw1.cache.amazonaws.com:6380/0');
    expect(r.text).toBe('REDIS_URL=rediss://:[REDACTED]@master.g1.abc123.euw1.cache.amazonaws.com:6380/0');
  });

  it('keeps the user name and host of a URL, hiding only the password', () => {
    const a = analyzeText(`Error 111 connecting to rediss://svc-user:${SECRETS.urlPassword}@master.g1.abc123.euw1.cache.amazonaws.com:6380. Connection refused.`);
    expect(a.normalized.text).toContain('rediss://svc-user:[REDACTED]@master.g1.abc123.euw1.cache.amazonaws.com:6380');
    expect(a.context.endpoint).toEqual({ host: 'master.g1.abc123.euw1.cache.amazonaws.com', port: 6380 });
    expect(a.context.scheme).toBe('rediss');
    expect(a.findings.map((f) => f.evidence).join('\n')).not.toContain(SECRETS.urlPassword);
  });
});
