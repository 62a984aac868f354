/**
 * Redaction runs before anything is matched or rendered: every later stage sees only redacted text,
 * so no secret can leak into evidence, summaries, logs or Slack replies.
 */
export const REDACTED = '[REDACTED]';

interface Rule {
  name: string;
  pattern: RegExp;
  /** Returns the replacement for one match; the secret part becomes REDACTED. */
  replace: (match: string, ...groups: string[]) => string;
}

// Words that follow "AUTH" in error messages and prose, never a password.
const AUTH_PROSE = new Set(['required', 'failed', 'error', 'token', 'called', '<password>', '<username>', 'failure', 'with', 'is', 'for', 'to', 'using', 'command', 'was', 'the', 'and', 'or', 'but', 'not', 'without']);

// Each pattern is linear: bounded character classes, no nested quantifiers.
const RULES: Rule[] = [
  {
    // scheme://user:password@host or scheme://:password@host
    name: 'url-password',
    // The password runs to the last '@' of the URL: users paste unencoded passwords that contain '@'.
    pattern: /\b([a-z][a-z0-9+.-]{1,20}:\/\/)([^\s:/@'"<>]{0,200}):([^\s'"<>|]{1,400})@/gi,
    replace: (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`,
  },
  {
    // PEM private keys, whole block.
    name: 'private-key',
    pattern: /-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----[\s\S]{0,10000}?-----END [A-Z ]{0,40}PRIVATE KEY-----/g,
    replace: () => `-----BEGIN PRIVATE KEY----- ${REDACTED} -----END PRIVATE KEY-----`,
  },
  {
    // AUTH password / AUTH user password (redis-cli, MONITOR output, logs of commands); HELLO 3 AUTH user pass.
    name: 'auth-command',
    pattern: /(\bAUTH"?[ \t]{1,4}"?)([^\s"']{1,200})((?:"?[ \t]{1,4}"?)([^\s"']{1,200}))?/g,
    replace: (_m, prefix: string, first: string, rest?: string, second?: string) => {
      if (AUTH_PROSE.has(first.toLowerCase().replace(/[.:,;]+$/, ''))) return _m;
      if (rest && second) return `${prefix}${first}${rest.slice(0, rest.length - second.length)}${REDACTED}`;
      return `${prefix}${REDACTED}`;
    },
  },
  {
    // redis-cli -a secret / --pass secret / --user u --pass p
    name: 'cli-password-flag',
    pattern: /(\s(?:-a|--pass|--password|--askpass-value)\s{1,4})(?!-)([^\s]{1,200})/g,
    replace: (_m, flag: string) => `${flag}${REDACTED}`,
  },
  {
    // key = value and key: value forms for password-like settings (env, YAML, JSON, HCL, query strings).
    name: 'password-setting',
    pattern:
      /((?:["']?)\b(?:[A-Za-z0-9_]{0,40}(?:password|passwd|pwd|auth[_-]?token|authtoken|requirepass|masterauth|secret[_-]?access[_-]?key|secretaccesskey|session[_-]?token|client[_-]?secret|signing[_-]?secret|api[_-]?key|access[_-]?token|bot[_-]?token))["']?\s{0,4}[:=]\s{0,4}["']?)([^\s"',;&}<>)]{1,400})/gi,
    replace: (m, prefix: string, value: string) => (value === REDACTED || /^\*+$/.test(value) ? m : `${prefix}${REDACTED}`),
  },
  {
    // requirepass secret (redis.conf style, no = sign)
    name: 'redis-conf',
    pattern: /(\b(?:requirepass|masterauth)\s{1,8})(?![=:])([^\s"']{1,200})/gi,
    replace: (_m, prefix: string) => `${prefix}${REDACTED}`,
  },
  {
    name: 'aws-access-key-id',
    pattern: /\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b/g,
    replace: () => REDACTED,
  },
  {
    // A 40-character AWS secret near its name is caught above; this catches `aws_secret_access_key SECRET` spacing variants.
    name: 'aws-secret-key',
    pattern: /(\b(?:aws_secret_access_key|AWS_SECRET_ACCESS_KEY|SecretAccessKey)["']?\s{0,4}[:=]?\s{0,4}["']?)([A-Za-z0-9/+=]{40})\b/g,
    replace: (_m, prefix: string) => `${prefix}${REDACTED}`,
  },
  {
    name: 'slack-token',
    pattern: /\bx(?:ox[abposre]|app)-[A-Za-z0-9-]{8,200}/g,
    replace: () => REDACTED,
  },
  {
    name: 'slack-webhook',
    pattern: /(hooks\.slack\.com\/(?:services|workflows)\/)[A-Za-z0-9/_-]{8,200}/g,
    replace: (_m, prefix: string) => `${prefix}${REDACTED}`,
  },
  {
    name: 'bearer',
    pattern: /(\b(?:Bearer|Basic)\s{1,4})([A-Za-z0-9._~+/=-]{12,2000})/g,
    replace: (_m, prefix: string) => `${prefix}${REDACTED}`,
  },
];

export interface Redaction {
  text: string;
  count: number;
}

/** Replace every secret in `text` with [REDACTED]; `count` is how many were replaced. */
export function redact(text: string): Redaction {
  let count = 0;
  let out = text;
  for (const rule of RULES) {
    rule.pattern.lastIndex = 0;
    out = out.replace(rule.pattern, (...args: unknown[]) => {
      const match = args[0] as string;
      const groups = args.slice(1, -2).map((g) => (g === undefined ? undefined : String(g))) as string[];
      const replaced = rule.replace(match, ...groups);
      if (replaced !== match) count++;
      return replaced;
    });
  }
  return { text: out, count };
}
