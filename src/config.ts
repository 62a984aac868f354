// Owned by the shipping work (issue 6): every environment variable, validated once at start.
// The Config type is the contract; fields may be added, never renamed.
import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import { redact } from './diagnosis/redact.js';
import { DEFAULT_ALLOWED_HOSTS } from './live/guard.js';
import { z } from 'zod';

export interface Config {
  slack: {
    botToken: string;
    /** xapp- token: when set, Socket Mode. */
    appToken?: string;
    /** Required in HTTP mode. */
    signingSecret?: string;
    /** Web API base URL override (tests point it at a local fake). Always ends with `/`. */
    apiUrl?: string;
  };
  /** HTTP mode: Slack requests, /healthz and /metrics. Socket Mode: /healthz and /metrics only. 0 = any free port. */
  port: number;
  supportChannels: string[];
  redisUrl?: string;
  /** AWS account id or region -> IAM role ARN to assume for look-ups. */
  accountRoles: Record<string, string>;
  /** Host-name suffixes, exact names or IPs the probe may dial. */
  probeAllowedHosts: string[];
  /** Extra ports the probe may dial besides 6379/6380. */
  probeAllowedPorts: number[];
  terraformDir?: string;
  policyFile: string;
  /** True when POLICY_FILE was set explicitly (a missing file is then an error, not "safe defaults"). */
  policyFileExplicit?: boolean;
  /** Who to ask when the policy denies something (shown in replies). */
  policyContact?: string;
  logLevel: string;
  /** AWS_REGION, when set (the SDK reads it itself; kept here for doctor and logs). */
  awsRegion?: string;
}

/** Thrown by loadConfig: one line per missing or bad variable, each saying what it should look like. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`configuration error:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_PORT = 3000;
export const DEFAULT_POLICY_FILE = 'policy.yml';
/** ElastiCache endpoint names (commercial and China partitions). PROBE_ALLOWED_HOSTS replaces this list. */
/** The probe guard's own default: ElastiCache endpoint names only. */
export const DEFAULT_PROBE_ALLOWED_HOSTS = DEFAULT_ALLOWED_HOSTS;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every variable the bot reads (docs/operations.md has one row each; a test keeps them equal). */
export const CONFIG_VARIABLES = [
  'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_API_URL', 'PORT', 'SUPPORT_CHANNELS', 'REDIS_URL',
  'AWS_REGION', 'AWS_ENDPOINT_URL_ELASTICACHE', 'AWS_ENDPOINT_URL', 'ACCOUNT_ROLES', 'PROBE_ALLOWED_HOSTS', 'PROBE_ALLOWED_PORTS',
  'TERRAFORM_DIR', 'POLICY_FILE', 'POLICY_CONTACT', 'LOG_LEVEL',
] as const;

type Env = Record<string, string | undefined>;

const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ROLE_ARN = /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const HOST_NAME = /^\.?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Empty and blank values count as unset: `FOO=` in a compose file or task definition means "not given". */
function read(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function list(raw: string | undefined): string[] {
  return raw ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** Shows a value in an error message only when it cannot be a secret, and never longer than 60 characters. */
/** A bad value, shown back so the operator sees what was read: redacted first (it may hold a URL password). */
function shown(raw: string): string {
  const value = redact(raw).text;
  return value.length > 60 ? `'${value.slice(0, 57)}...'` : `'${value}'`;
}

const botToken = z
  .string({ error: 'is not set: the Bot User OAuth Token from api.slack.com/apps > your app > OAuth & Permissions (starts with xoxb-)' })
  .refine((v) => v.startsWith('xoxb-'), {
    error: 'does not start with xoxb-: use the Bot User OAuth Token (OAuth & Permissions), not a user (xoxp-) or app-level (xapp-) token',
  });

const appToken = z.string().refine((v) => v.startsWith('xapp-'), {
  error: 'does not start with xapp-: use an app-level token with the connections:write scope (Basic Information > App-Level Tokens), or leave it unset for HTTP mode',
});

const port = z
  .string()
  .regex(/^\d{1,5}$/, { error: (i) => `is ${shown(String(i.input))}: it should be a TCP port number from 0 to 65535 (default ${DEFAULT_PORT})` })
  .transform(Number)
  .refine((n) => n <= 65535, { error: (i) => `is ${String(i.input)}: it should be a TCP port number from 0 to 65535 (default ${DEFAULT_PORT})` });

const apiUrl = z
  .string()
  .refine((v) => { try { return ['http:', 'https:'].includes(new URL(v).protocol); } catch { return false; } }, {
    error: (i) => `is ${shown(String(i.input))}: it should be an http(s) URL of the Slack Web API, like https://slack.com/api/ (leave it unset in production)`,
  })
  .transform((v) => (v.endsWith('/') ? v : `${v}/`));

const redisUrl = z.string().refine(
  (v) => { try { const u = new URL(v); return (u.protocol === 'redis:' || u.protocol === 'rediss:') && !!u.hostname; } catch { return false; } },
  // The value may hold a password: never repeat it.
  { error: 'is not a Redis URL: it should look like redis://host:6379/0, or rediss://:PASSWORD@host:6379 for TLS with AUTH' },
);

const logLevel = z.enum(LOG_LEVELS, { error: (i) => `is ${shown(String(i.input))}: it should be one of ${LOG_LEVELS.join(', ')} (default info)` });

const awsRegion = z.string().regex(REGION, { error: (i) => `is ${shown(String(i.input))}: it should be an AWS region code like ap-northeast-1 or us-east-1` });

const urlOpt = z.string().refine((v) => { try { return ['http:', 'https:'].includes(new URL(v).protocol); } catch { return false; } }, {
  error: (i) => `is ${shown(String(i.input))}: it should be an http(s) URL, like https://elasticache.us-east-1.amazonaws.com (usually left unset)`,
});

const policyContact = z.string().max(200, { error: 'is longer than 200 characters: give a channel (#platform-team), a user (<@U0123ABCD>) or a short sentence' });

/** ACCOUNT_ROLES: a JSON object, or `KEY=ARN,KEY=ARN`. KEY is a 12-digit account id or a region. */
function parseAccountRoles(raw: string): { roles: Record<string, string>; problems: string[] } {
  const example = `it should be JSON like {"123456789012":"arn:aws:iam::123456789012:role/redis-diagnose-read"} or 123456789012=arn:aws:iam::123456789012:role/NAME,eu-west-1=arn:aws:iam::...:role/NAME`;
  let pairs: [string, unknown][] = [];
  if (raw.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { roles: {}, problems: [`ACCOUNT_ROLES is not a JSON object: ${example}`] };
      pairs = Object.entries(parsed);
    } catch {
      return { roles: {}, problems: [`ACCOUNT_ROLES looks like JSON but does not parse: ${example}`] };
    }
  } else {
    for (const item of list(raw)) {
      const eq = item.indexOf('=');
      if (eq <= 0) return { roles: {}, problems: [`ACCOUNT_ROLES entry ${shown(item)} has no KEY=ARN: ${example}`] };
      pairs.push([item.slice(0, eq).trim(), item.slice(eq + 1).trim()]);
    }
  }
  const roles: Record<string, string> = {};
  const problems: string[] = [];
  for (const [key, arn] of pairs) {
    if (!ACCOUNT_ID.test(key) && !REGION.test(key)) {
      problems.push(`ACCOUNT_ROLES key ${shown(key)} is neither a 12-digit AWS account id nor a region code like eu-west-1`);
      continue;
    }
    if (typeof arn !== 'string' || !ROLE_ARN.test(arn)) {
      problems.push(`ACCOUNT_ROLES value for ${key} is not an IAM role ARN: it should look like arn:aws:iam::123456789012:role/redis-diagnose-read`);
      continue;
    }
    roles[key] = arn;
  }
  return { roles, problems };
}

/** PROBE_ALLOWED_HOSTS: suffixes (`.example.com`), exact names or IP addresses. `*.x` is read as `.x`. */
function parseProbeHosts(raw: string): { hosts: string[]; problems: string[] } {
  const hosts: string[] = [];
  const problems: string[] = [];
  for (let entry of list(raw)) {
    if (entry.startsWith('*.')) entry = entry.slice(1);
    const bare = entry.replace(/^\[(.*)\]$/, '$1');
    if (isIP(bare)) { hosts.push(bare); continue; }
    if (entry === '*' || entry === '.') {
      problems.push(`PROBE_ALLOWED_HOSTS has ${shown(entry)}: a wildcard would let the probe dial anything; list suffixes like .cache.amazonaws.com, exact names or IP addresses`);
    } else if (/^[a-z]+:\/\//i.test(entry)) {
      problems.push(`PROBE_ALLOWED_HOSTS entry ${shown(entry)} is a URL: give the host name only, like .cache.amazonaws.com or redis.internal.example.com`);
    } else if (/:\d+$/.test(entry)) {
      problems.push(`PROBE_ALLOWED_HOSTS entry ${shown(entry)} has a port: list host names here and extra ports in PROBE_ALLOWED_PORTS`);
    } else if (!HOST_NAME.test(entry)) {
      problems.push(`PROBE_ALLOWED_HOSTS entry ${shown(entry)} is not a host name, a .suffix or an IP address`);
    } else {
      hosts.push(entry.toLowerCase());
    }
  }
  return { hosts, problems };
}

function parsePorts(raw: string): { ports: number[]; problems: string[] } {
  const ports: number[] = [];
  const problems: string[] = [];
  for (const entry of list(raw)) {
    const n = /^\d{1,5}$/.test(entry) ? Number(entry) : NaN;
    if (!(n >= 1 && n <= 65535)) problems.push(`PROBE_ALLOWED_PORTS entry ${shown(entry)} is not a port number from 1 to 65535 (example: 6390,7000)`);
    else if (!ports.includes(n)) ports.push(n);
  }
  return { ports, problems };
}

function isDirectory(path: string): boolean {
  try { return statSync(path).isDirectory(); } catch { return false; }
}
function isFile(path: string): boolean {
  try { return statSync(path).isFile(); } catch { return false; }
}

export interface ConfigInspection {
  /** Best effort: bad values are replaced by their defaults (a missing bot token by ''). */
  config: Config;
  /** One line per missing or bad variable, `NAME ...: what it should look like`. Empty when valid. */
  problems: string[];
  mode: 'http' | 'socket';
}

/**
 * Validates the environment without throwing. Doctor uses this to report every problem and still run the
 * checks that do not depend on the bad variables.
 */
export function inspectConfig(env: Env): ConfigInspection {
  const problems: string[] = [];
  function field<T>(name: string, schema: z.ZodType<T>, raw: string | undefined): T | undefined {
    const r = schema.safeParse(raw);
    if (r.success) return r.data;
    for (const issue of r.error.issues) problems.push(`${name} ${issue.message}`);
    return undefined;
  }
  function optional<T>(name: string, schema: z.ZodType<T>): T | undefined {
    const raw = read(env, name);
    return raw === undefined ? undefined : field(name, schema, raw);
  }

  const slackBotToken = field('SLACK_BOT_TOKEN', botToken, read(env, 'SLACK_BOT_TOKEN'));
  const slackAppToken = optional('SLACK_APP_TOKEN', appToken);
  const signingSecret = read(env, 'SLACK_SIGNING_SECRET');
  const slackApiUrl = optional('SLACK_API_URL', apiUrl);
  // Socket Mode is chosen by the presence of the variable, even when its value is bad (the problem is named above).
  const mode = read(env, 'SLACK_APP_TOKEN') ? 'socket' : 'http';
  if (mode === 'http' && !signingSecret) {
    problems.push('SLACK_SIGNING_SECRET is not set: HTTP mode (no SLACK_APP_TOKEN) needs the Signing Secret from api.slack.com/apps > your app > Basic Information > App Credentials; or set SLACK_APP_TOKEN to run in Socket Mode');
  }

  const supportChannels = list(read(env, 'SUPPORT_CHANNELS'));
  for (const ch of supportChannels) {
    if (!CHANNEL_ID.test(ch)) {
      problems.push(`SUPPORT_CHANNELS entry ${shown(ch)} is not a channel id: use ids like C0123ABCDEF (channel details > About), comma-separated, not names like #support`);
    }
  }

  const rolesRaw = read(env, 'ACCOUNT_ROLES');
  const roles = rolesRaw ? parseAccountRoles(rolesRaw) : { roles: {}, problems: [] };
  problems.push(...roles.problems);

  const hostsRaw = read(env, 'PROBE_ALLOWED_HOSTS');
  const hosts = hostsRaw ? parseProbeHosts(hostsRaw) : { hosts: [...DEFAULT_PROBE_ALLOWED_HOSTS], problems: [] };
  problems.push(...hosts.problems);

  const ports = parsePorts(read(env, 'PROBE_ALLOWED_PORTS') ?? '');
  problems.push(...ports.problems);

  const terraformDir = read(env, 'TERRAFORM_DIR');
  if (terraformDir && !isDirectory(terraformDir)) {
    problems.push(`TERRAFORM_DIR ${shown(terraformDir)} is not a directory: point it at a checked-out infrastructure repository, or leave it unset`);
  }
  const policyFileRaw = read(env, 'POLICY_FILE');
  if (policyFileRaw && !isFile(policyFileRaw)) {
    problems.push(`POLICY_FILE ${shown(policyFileRaw)} does not exist: copy policy.example.yml there and edit it, or leave POLICY_FILE unset for the safe defaults`);
  }

  const config: Config = {
    slack: {
      botToken: slackBotToken ?? '',
      ...(slackAppToken ? { appToken: slackAppToken } : {}),
      ...(signingSecret ? { signingSecret } : {}),
      ...(slackApiUrl ? { apiUrl: slackApiUrl } : {}),
    },
    port: optional('PORT', port) ?? DEFAULT_PORT,
    supportChannels: supportChannels.filter((c) => CHANNEL_ID.test(c)),
    accountRoles: roles.roles,
    probeAllowedHosts: hosts.hosts,
    probeAllowedPorts: ports.ports,
    policyFile: policyFileRaw ?? DEFAULT_POLICY_FILE,
    policyFileExplicit: !!policyFileRaw,
    logLevel: optional('LOG_LEVEL', logLevel) ?? 'info',
  };
  const redis = optional('REDIS_URL', redisUrl);
  if (redis) config.redisUrl = redis;
  if (terraformDir && isDirectory(terraformDir)) config.terraformDir = terraformDir;
  const contact = optional('POLICY_CONTACT', policyContact);
  if (contact) config.policyContact = contact;
  const region = optional('AWS_REGION', awsRegion);
  if (region) config.awsRegion = region;
  optional('AWS_ENDPOINT_URL_ELASTICACHE', urlOpt);
  optional('AWS_ENDPOINT_URL', urlOpt);

  return { config, problems, mode };
}

/** The bot's configuration, or a ConfigError naming every missing or bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const { config, problems } = inspectConfig(env);
  if (problems.length) throw new ConfigError(problems);
  return config;
}
