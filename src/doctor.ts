// `redis-diagnose doctor`: checks a deployment and prints one line per check, `ok` or `FAIL` with the fix.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  DescribeServerlessCachesCommand,
  ElastiCacheClient,
  ListTagsForResourceCommand,
  type ElastiCacheClientConfig,
} from '@aws-sdk/client-elasticache';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { Redis } from 'ioredis';
import { parse as parseYaml } from 'yaml';
import { inspectConfig, type Config } from './config.js';
import { ProbeGuard } from './live/guard.js';
import { checkPolicyFile } from './policy/doctor.js';
import { REQUIRED_BOT_SCOPES } from './slack/registration.js';

type Env = Record<string, string | undefined>;
export type CheckStatus = 'ok' | 'FAIL' | 'skip';
export interface CheckResult {
  status: CheckStatus;
  /** Short name: `slack token`, `aws elasticache:DescribeCacheClusters`, ... */
  name: string;
  detail: string;
  /** What to do about it (FAIL only). */
  fix?: string;
}

const USAGE = `usage: redis-diagnose doctor [--json] [--manifest PATH] [--timeout-ms N]

Checks a deployment with the bot's own environment (the variables in docs/operations.md):
  configuration  every variable is present and well-formed
  slack          SLACK_BOT_TOKEN is valid (auth.test) and has the scopes manifest.yml asks for;
                 SLACK_APP_TOKEN opens a Socket Mode connection (apps.connections.open), when set
  aws            the credentials hold each IAM action the bot uses (one harmless Describe call each),
                 and each ACCOUNT_ROLES role can be assumed
  state store    REDIS_URL answers PING and accepts a write
  probe guard    PROBE_ALLOWED_HOSTS / PROBE_ALLOWED_PORTS are not wider than a Redis probe needs
  policy         POLICY_FILE is valid (or absent: safe defaults)
Prints one line per check: ok, FAIL (with the fix) or skip. Exit 0 when nothing failed, 1 otherwise, 2 on usage errors.`;

/** The IAM actions the bot uses, each with a harmless read that needs exactly that action. Keep equal to deploy/iam-policy.json. */
export const IAM_ACTIONS = [
  'elasticache:DescribeReplicationGroups',
  'elasticache:DescribeCacheClusters',
  'elasticache:DescribeServerlessCaches',
  'elasticache:ListTagsForResource',
] as const;
export type IamAction = (typeof IAM_ACTIONS)[number];

const IAM_POLICY_HINT = 'deploy/iam-policy.json has the least-privilege policy with every action the bot uses';
const DEFAULT_SLACK_API = 'https://slack.com/api/';

interface Options { json: boolean; manifest?: string; timeoutMs: number }

function parseArgs(args: string[]): Options | string {
  const o: Options = { json: false, timeoutMs: 5_000 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') o.json = true;
    else if (a === '--manifest') { const v = args[++i]; if (!v) return '--manifest needs a path'; o.manifest = v; }
    else if (a === '--timeout-ms') { const v = Number(args[++i]); if (!(v > 0)) return '--timeout-ms needs a positive number'; o.timeoutMs = v; }
    else if (a === '--help' || a === '-h') return '';
    else return `unknown argument: ${a}`;
  }
  return o;
}

/** Runs every check; exit code 0 when none failed, 1 when one did, 2 on usage errors. */
export async function runDoctor(args: string[], env: Env = process.env, io: { out: (line: string) => void } = { out: (l) => process.stdout.write(`${l}\n`) }): Promise<number> {
  const opts = parseArgs(args);
  if (typeof opts === 'string') {
    io.out(opts ? `redis-diagnose doctor: ${opts}\n\n${USAGE}` : USAGE);
    return opts ? 2 : 0;
  }
  const results = await collectChecks(env, opts);
  const failed = results.filter((r) => r.status === 'FAIL').length;
  if (opts.json) {
    io.out(JSON.stringify({ ok: failed === 0, checks: results }, null, 2));
  } else {
    for (const r of results) io.out(formatResult(r));
    io.out(failed ? `\n${failed} problem${failed === 1 ? '' : 's'} found.` : `\nAll ${results.length} checks passed.`);
  }
  return failed ? 1 : 0;
}

export function formatResult(r: CheckResult): string {
  const head = `${r.status.padEnd(4)}  ${r.name}: ${r.detail}`;
  return r.fix ? `${head}\n      fix: ${r.fix}` : head;
}

/** All checks, in a stable order; the network ones run concurrently, each with its own bound. */
export async function collectChecks(env: Env, opts: Options = { json: false, timeoutMs: 5_000 }): Promise<CheckResult[]> {
  const { config, problems, mode } = inspectConfig(env);
  const configChecks: CheckResult[] = problems.length
    ? problems.map((p) => ({ status: 'FAIL', name: 'configuration', detail: p, fix: 'set the variable as described (docs/operations.md has the table)' }))
    : [{ status: 'ok', name: 'configuration', detail: `${mode === 'socket' ? 'Socket Mode' : `HTTP mode on port ${config.port}`}; ${config.supportChannels.length} support channel(s); state ${config.redisUrl ? 'in Redis' : 'in memory'}` }];

  const [slack, aws, store, guard] = await Promise.all([
    checkSlack(config, mode, opts),
    checkAws(config, env, opts.timeoutMs),
    checkStateStore(config.redisUrl, opts.timeoutMs),
    checkProbeGuard(config),
  ]);
  return [...configChecks, ...slack, ...aws, store, ...guard, ...checkPolicy(config), ...checkTerraformDir(config)];
}

// ---------- Slack ----------

async function slackCall(apiUrl: string, method: string, token: string, timeoutMs: number): Promise<{ body: Record<string, unknown>; scopes: string | null } | { failure: string }> {
  const url = `${apiUrl}${method}`;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return { failure: `the Slack API at ${url} answered HTTP ${res.status}` };
    const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    if (!body || typeof body !== 'object') return { failure: `the Slack API at ${url} did not answer JSON` };
    return { body, scopes: res.headers.get('x-oauth-scopes') };
  } catch (err) {
    return { failure: `could not reach the Slack API at ${url}: ${networkReason(err)}` };
  }
}

const SLACK_TOKEN_FIXES: Record<string, string> = {
  invalid_auth: 'copy the Bot User OAuth Token (xoxb-) from api.slack.com/apps > your app > OAuth & Permissions into SLACK_BOT_TOKEN',
  not_authed: 'set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-)',
  token_revoked: 'the app was uninstalled or the token revoked: reinstall the app (OAuth & Permissions > Reinstall) and use the new token',
  account_inactive: 'the app was uninstalled or its workspace is inactive: reinstall the app and use the new token',
  token_expired: 'token rotation is on for this app: turn it off (OAuth & Permissions > Advanced token security) or give the bot a fresh token',
  ratelimited: 'Slack rate-limited auth.test: run doctor again in a minute',
};

export function manifestScopes(path: string): string[] {
  const doc = parseYaml(readFileSync(path, 'utf8')) as { oauth_config?: { scopes?: { bot?: unknown } } } | null;
  const bot = doc?.oauth_config?.scopes?.bot;
  return Array.isArray(bot) ? bot.map(String) : [];
}

/** manifest.yml ships beside package.json: in the repo (src/ or dist/src/ below it) and in the image (/app). */
function findManifest(explicit?: string): string | undefined {
  if (explicit) return explicit;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'manifest.yml');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return existsSync('manifest.yml') ? resolve('manifest.yml') : undefined;
}

async function checkSlack(config: Config, mode: 'http' | 'socket', opts: Options): Promise<CheckResult[]> {
  const apiUrl = config.slack.apiUrl ?? DEFAULT_SLACK_API;
  if (!config.slack.botToken) {
    return [{ status: 'skip', name: 'slack token', detail: 'not checked: SLACK_BOT_TOKEN is missing or malformed (see configuration above)' }];
  }
  const out: CheckResult[] = [];
  const auth = await slackCall(apiUrl, 'auth.test', config.slack.botToken, opts.timeoutMs);
  if ('failure' in auth) {
    out.push({ status: 'FAIL', name: 'slack token', detail: auth.failure, fix: config.slack.apiUrl ? 'check SLACK_API_URL (leave it unset in production)' : 'allow outbound HTTPS to slack.com from the bot (NAT gateway or proxy)' });
    return out;
  }
  if (auth.body.ok !== true) {
    const code = String(auth.body.error ?? 'unknown_error');
    out.push({ status: 'FAIL', name: 'slack token', detail: `Slack rejected SLACK_BOT_TOKEN: ${code}`, fix: SLACK_TOKEN_FIXES[code] ?? `see https://api.slack.com/methods/auth.test for "${code}"` });
    return out;
  }
  const who = [auth.body.team && `workspace ${String(auth.body.team)}`, auth.body.user && `bot user @${String(auth.body.user)}`, auth.body.bot_id && `bot id ${String(auth.body.bot_id)}`].filter(Boolean).join(', ');
  out.push({ status: 'ok', name: 'slack token', detail: `valid${who ? ` (${who})` : ''}` });
  out.push(scopeCheck(auth.scopes, opts.manifest));

  if (mode === 'socket' && config.slack.appToken) {
    const conn = await slackCall(apiUrl, 'apps.connections.open', config.slack.appToken, opts.timeoutMs);
    if ('failure' in conn) out.push({ status: 'FAIL', name: 'slack app token', detail: conn.failure, fix: 'allow outbound HTTPS and WSS to slack.com from the bot' });
    else if (conn.body.ok !== true) {
      const code = String(conn.body.error ?? 'unknown_error');
      out.push({ status: 'FAIL', name: 'slack app token', detail: `Slack refused a Socket Mode connection with SLACK_APP_TOKEN: ${code}`, fix: 'create an app-level token with the connections:write scope (Basic Information > App-Level Tokens) and enable Socket Mode for the app' });
    } else out.push({ status: 'ok', name: 'slack app token', detail: 'Socket Mode connection URL granted (apps.connections.open)' });
  }
  return out;
}

function scopeCheck(granted: string | null, manifestPath?: string): CheckResult {
  const path = findManifest(manifestPath);
  // manifest.yml is what gets installed; without it, the scopes the code needs (a test keeps both equal).
  let wanted = REQUIRED_BOT_SCOPES;
  let source = 'the bot needs';
  if (path && existsSync(path)) {
    try {
      wanted = manifestScopes(path);
      source = 'manifest.yml asks for';
    } catch (err) {
      return { status: 'FAIL', name: 'slack scopes', detail: `${path} does not parse: ${(err as Error).message.split('\n')[0]}`, fix: 'restore manifest.yml from the release' };
    }
  } else if (manifestPath) {
    return { status: 'FAIL', name: 'slack scopes', detail: `${manifestPath} not found`, fix: 'pass the path of the app manifest, or leave --manifest out' };
  }
  if (granted === null) return { status: 'skip', name: 'slack scopes', detail: 'not checked: auth.test did not list the token\'s scopes (no x-oauth-scopes header)' };
  const have = new Set(granted.split(',').map((s) => s.trim()).filter(Boolean));
  const missing = wanted.filter((s) => !have.has(s));
  const extra = [...have].filter((s) => !wanted.includes(s));
  if (missing.length) {
    return {
      status: 'FAIL', name: 'slack scopes', detail: `the token lacks ${missing.join(', ')} (${source} ${wanted.join(', ')})`,
      fix: 'add the missing scopes under OAuth & Permissions (or update the app from manifest.yml), reinstall the app to the workspace, and use the new token',
    };
  }
  return { status: 'ok', name: 'slack scopes', detail: `has every scope ${source} (${wanted.join(', ')})${extra.length ? `; also granted, not needed: ${extra.join(', ')}` : ''}` };
}

// ---------- AWS ----------

function awsClientConfig(env: Env, region: string): ElastiCacheClientConfig {
  const endpoint = env.AWS_ENDPOINT_URL_ELASTICACHE ?? env.AWS_ENDPOINT_URL;
  const cfg: ElastiCacheClientConfig = { region, maxAttempts: 2 };
  if (endpoint) cfg.endpoint = endpoint;
  // Use the env given to doctor (not only process.env) when it carries static keys.
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    cfg.credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
  }
  return cfg;
}

interface AwsFailure { kind: 'denied' | 'credentials' | 'region' | 'network' | 'other'; text: string }

function classifyAwsError(err: unknown): AwsFailure | 'permitted' {
  const e = err as { name?: string; Code?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? e?.Code ?? '';
  const message = (e?.message ?? String(err)).split('\n')[0]!;
  // Not-found and bad-argument answers come after authorization: the action itself is allowed.
  if (/NotFound|InvalidARN|InvalidParameter/i.test(name)) return 'permitted';
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name) || e?.$metadata?.httpStatusCode === 403 && !/Signature|Token/i.test(name)) return { kind: 'denied', text: message };
  if (/CredentialsProviderError|InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch|ExpiredToken|InvalidAccessKeyId/i.test(name)) return { kind: 'credentials', text: `${name}: ${message}` };
  if (/Region is missing/i.test(message)) return { kind: 'region', text: message };
  if (e?.code || /TimeoutError|AbortError/.test(name)) return { kind: 'network', text: networkReason(err) };
  return { kind: 'other', text: `${name || 'error'}: ${message}` };
}

function awsFix(f: AwsFailure, action: string): string {
  switch (f.kind) {
    case 'denied': return `allow "${action}" in the IAM policy of the bot's role (the ECS task role); ${IAM_POLICY_HINT}`;
    case 'credentials': return 'give the bot AWS credentials: an ECS task role or EC2 instance profile in AWS, or AWS_PROFILE / AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY elsewhere';
    case 'region': return 'set AWS_REGION to the region of your ElastiCache groups, e.g. ap-northeast-1';
    case 'network': return 'allow outbound HTTPS to the ElastiCache API (elasticache.REGION.amazonaws.com) from the bot: NAT gateway or an ElastiCache VPC endpoint';
    default: return IAM_POLICY_HINT;
  }
}

async function tryAction(client: ElastiCacheClient, action: IamAction, region: string, timeoutMs: number, arnHint?: string): Promise<unknown> {
  const abortSignal = AbortSignal.timeout(timeoutMs);
  switch (action) {
    case 'elasticache:DescribeReplicationGroups':
      return client.send(new DescribeReplicationGroupsCommand({ MaxRecords: 20 }), { abortSignal });
    case 'elasticache:DescribeCacheClusters':
      return client.send(new DescribeCacheClustersCommand({ MaxRecords: 20 }), { abortSignal });
    case 'elasticache:DescribeServerlessCaches':
      return client.send(new DescribeServerlessCachesCommand({ MaxResults: 20 }), { abortSignal });
    case 'elasticache:ListTagsForResource':
      // A real group's ARN when one was listed; otherwise a name that does not exist (NotFound still proves the permission).
      return client.send(new ListTagsForResourceCommand({ ResourceName: arnHint ?? `arn:aws:elasticache:${region}:000000000000:replicationgroup:redis-diagnose-doctor` }), { abortSignal });
  }
}

async function checkActions(client: ElastiCacheClient, region: string, timeoutMs: number, label: string): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  let arnHint: string | undefined;
  for (const action of IAM_ACTIONS) {
    try {
      const r = await tryAction(client, action, region, timeoutMs, arnHint);
      const arn = (r as { ReplicationGroups?: { ARN?: string }[] } | undefined)?.ReplicationGroups?.[0]?.ARN;
      if (action === 'elasticache:DescribeReplicationGroups' && arn) arnHint = arn;
      out.push({ status: 'ok', name: `aws ${action}`, detail: `allowed${label}` });
    } catch (err) {
      const c = classifyAwsError(err);
      if (c === 'permitted') { out.push({ status: 'ok', name: `aws ${action}`, detail: `allowed${label}` }); continue; }
      if (c.kind === 'denied') {
        out.push({ status: 'FAIL', name: `aws ${action}`, detail: `access denied${label}: the bot's role lacks ${action} (${c.text})`, fix: awsFix(c, action) });
        continue;
      }
      // Credentials, region or network problems fail every action the same way: say it once.
      out.push({ status: 'FAIL', name: 'aws credentials', detail: `${action} could not be tried${label}: ${c.text}`, fix: awsFix(c, action) });
      return out;
    }
  }
  return out;
}

async function checkAws(config: Config, env: Env, timeoutMs: number): Promise<CheckResult[]> {
  const region = config.awsRegion ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    return [{ status: 'FAIL', name: 'aws region', detail: 'AWS_REGION is not set: live look-ups cannot reach ElastiCache', fix: awsFix({ kind: 'region', text: '' }, '') }];
  }
  const base = awsClientConfig(env, region);
  const client = new ElastiCacheClient(base);
  try {
    const out = await checkActions(client, region, timeoutMs, '');
    for (const [key, roleArn] of Object.entries(config.accountRoles)) {
      out.push(...(await checkRole(key, roleArn, region, env, base, timeoutMs)));
    }
    return out;
  } finally {
    client.destroy();
  }
}

/** ACCOUNT_ROLES entry: the role can be assumed, and holds the actions in its account. One line when all is well. */
async function checkRole(key: string, roleArn: string, region: string, env: Env, base: ElastiCacheClientConfig, timeoutMs: number): Promise<CheckResult[]> {
  const roleRegion = /^\d{12}$/.test(key) ? region : key;
  const stsEndpoint = env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL;
  const name = `aws role ${key}`;
  const provider = fromTemporaryCredentials({
    params: { RoleArn: roleArn, RoleSessionName: 'redis-diagnose-doctor', DurationSeconds: 900 },
    ...(base.credentials ? { masterCredentials: base.credentials as { accessKeyId: string; secretAccessKey: string } } : {}),
    clientConfig: { region: roleRegion, maxAttempts: 2, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}) },
  });
  let credentials: Awaited<ReturnType<typeof provider>>;
  try {
    credentials = await Promise.race([provider(), new Promise<never>((_, reject) => setTimeout(() => reject(Object.assign(new Error('no answer before the timeout'), { name: 'TimeoutError' })), timeoutMs).unref())]);
  } catch (err) {
    const c = classifyAwsError(err);
    const text = c === 'permitted' ? String(err) : c.text;
    return [{
      status: 'FAIL', name, detail: `cannot assume ${roleArn}: ${text}`,
      fix: `allow sts:AssumeRole on ${roleArn} in the bot's own role, and name the bot's role as a trusted principal in that role's trust policy (docs/deploy.md, "Several accounts")`,
    }];
  }
  const roleClient = new ElastiCacheClient({ ...awsClientConfig(env, roleRegion), credentials });
  try {
    const results = await checkActions(roleClient, roleRegion, timeoutMs, ` through ${roleArn}`);
    const failed = results.filter((r) => r.status !== 'ok');
    if (failed.length) {
      return failed.map((r) => ({ ...r, name: `${name} ${r.name.replace(/^aws /, '')}`, fix: r.fix?.replace("the bot's role (the ECS task role)", `the role ${roleArn}`) }));
    }
    return [{ status: 'ok', name, detail: `assumed ${roleArn} in ${roleRegion}; ${results.length} actions allowed there` }];
  } finally {
    roleClient.destroy();
  }
}

// ---------- State store ----------

/** host:port of a Redis URL, never its password. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || 6379}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

async function checkStateStore(redisUrl: string | undefined, timeoutMs: number): Promise<CheckResult> {
  if (!redisUrl) return { status: 'ok', name: 'state store', detail: 'in memory (fine for one replica; set REDIS_URL when running several, or they may reply twice)' };
  const where = describeRedisUrl(redisUrl);
  let firstError: Error | undefined;
  const client = new Redis(redisUrl, {
    lazyConnect: true, connectTimeout: timeoutMs, commandTimeout: timeoutMs, maxRetriesPerRequest: 0,
    retryStrategy: () => null, enableOfflineQueue: false,
  });
  // ioredis rejects connect() with a generic message; the real cause comes on the first 'error' event.
  client.on('error', (err: Error) => { firstError ??= err; });
  const started = Date.now();
  try {
    await client.connect();
    const pong = await client.ping();
    const key = `redis-diagnose:doctor:${process.pid}:${Date.now()}`;
    await client.set(key, '1', 'PX', 10_000, 'NX');
    await client.del(key);
    return { status: 'ok', name: 'state store', detail: `${where} answered ${pong} and accepted a write in ${Date.now() - started} ms` };
  } catch (err) {
    const reason = (firstError ?? (err as Error)).message;
    return { status: 'FAIL', name: 'state store', detail: `${where}: ${reason}`, fix: redisFix(reason) };
  } finally {
    client.disconnect();
  }
}

function redisFix(reason: string): string {
  if (/NOAUTH|WRONGPASS|invalid password|invalid username-password/i.test(reason)) return 'put the right password in REDIS_URL: redis://:PASSWORD@host:6379 (or redis://USER:PASSWORD@host:6379 with RBAC)';
  if (/READONLY/.test(reason)) return 'REDIS_URL points at a read-only replica: use the primary endpoint';
  if (/ECONNREFUSED/.test(reason)) return 'nothing listens there: check the host and port in REDIS_URL';
  if (/ENOTFOUND|EAI_AGAIN/.test(reason)) return 'the host name does not resolve: check REDIS_URL';
  if (/ECONNRESET|closed/i.test(reason)) return 'the server closed the connection: if it requires TLS, use rediss:// in REDIS_URL';
  if (/SSL|TLS|wrong version/i.test(reason)) return 'TLS failed: use redis:// for a server without in-transit encryption, rediss:// for one with it';
  if (/ETIMEDOUT|timed? ?out/i.test(reason)) return 'no answer: check the security group and subnet between the bot and Redis (port 6379)';
  return 'check REDIS_URL and that the bot can reach that Redis';
}

// ---------- Probe guard ----------

const METADATA_ADDRESSES = ['169.254.169.254', 'fd00:ec2::254', '169.254.170.2'];

function ipKind(ip: string): 'loopback' | 'link-local' | 'private' | 'public' {
  if (ip === '::1' || ip.startsWith('127.')) return 'loopback';
  if (ip.startsWith('169.254.') || /^fe80:/i.test(ip)) return 'link-local';
  if (/^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip) || /^f[cd]/i.test(ip)) return 'private';
  return 'public';
}

export async function checkProbeGuard(config: Pick<Config, 'probeAllowedHosts' | 'probeAllowedPorts'>): Promise<CheckResult[]> {
  const problems: CheckResult[] = [];
  for (const entry of config.probeAllowedHosts) {
    if (isIP(entry)) {
      const kind = ipKind(entry);
      if (METADATA_ADDRESSES.includes(entry)) problems.push({ status: 'FAIL', name: 'probe guard', detail: `PROBE_ALLOWED_HOSTS lists ${entry}, an instance metadata address`, fix: `remove ${entry}: the probe must never reach the metadata service` });
      else if (kind === 'loopback' || kind === 'link-local') problems.push({ status: 'FAIL', name: 'probe guard', detail: `PROBE_ALLOWED_HOSTS lists ${entry} (${kind}): the probe could reach services on the bot's own host`, fix: `remove ${entry} outside tests` });
      continue;
    }
    const labels = entry.replace(/^\./, '').split('.').filter(Boolean);
    const tooBroad = entry.startsWith('.') && (labels.length < 2 || ['.amazonaws.com', '.amazonaws.com.cn', '.compute.internal', '.internal', '.local'].includes(entry));
    if (tooBroad) problems.push({ status: 'FAIL', name: 'probe guard', detail: `PROBE_ALLOWED_HOSTS suffix ${entry} is too broad: it admits hosts that are not Redis endpoints`, fix: 'use .cache.amazonaws.com (ElastiCache) or your own Redis host names' });
  }
  for (const port of config.probeAllowedPorts) {
    if (port < 1024) problems.push({ status: 'FAIL', name: 'probe guard', detail: `PROBE_ALLOWED_PORTS has ${port}, a system port that Redis does not use`, fix: `remove ${port}: Redis listens on 6379/6380 or a port you chose above 1023` });
  }
  if (problems.length) return problems;
  // Self-test with the bot's own guard, as configured: the metadata service must stay out of reach.
  const guard = new ProbeGuard({ allowedHosts: config.probeAllowedHosts, extraPorts: config.probeAllowedPorts, lookup: async () => [] });
  const metadata = await guard.check('169.254.169.254', 6379);
  if (metadata.allowed) {
    return [{ status: 'FAIL', name: 'probe guard', detail: 'the probe guard would dial 169.254.169.254:6379 (instance metadata)', fix: 'remove metadata and link-local addresses from PROBE_ALLOWED_HOSTS' }];
  }
  const ports = ['6379', '6380', ...config.probeAllowedPorts.map(String)].join(', ');
  return [{ status: 'ok', name: 'probe guard', detail: `dials only ${config.probeAllowedHosts.join(', ') || '(nothing)'} on ports ${ports}; self-test: 169.254.169.254:6379 refused` }];
}

// ---------- Policy and Terraform ----------

function checkPolicy(config: Config): CheckResult[] {
  let result: ReturnType<typeof checkPolicyFile>;
  try {
    result = checkPolicyFile(config.policyFile, { supportChannels: config.supportChannels, accountRoles: config.accountRoles });
  } catch (err) {
    return [{ status: 'FAIL', name: 'policy', detail: `${config.policyFile}: ${(err as Error).message}`, fix: 'compare with policy.example.yml' }];
  }
  const [first = config.policyFile, ...rest] = result.messages;
  if (!result.ok) {
    return result.messages.map((m) => ({ status: 'FAIL' as const, name: 'policy', detail: m, fix: 'correct the file at that line (policy.example.yml shows every field); the bot refuses to start with it' }));
  }
  return [{ status: 'ok', name: 'policy', detail: [first, ...rest].join('; ') }];
}

function countTfFiles(dir: string, depth = 0): number {
  if (depth > 6) return 0;
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) n += countTfFiles(join(dir, e.name), depth + 1);
    else if (e.name.endsWith('.tf')) n++;
  }
  return n;
}

function checkTerraformDir(config: Config): CheckResult[] {
  if (!config.terraformDir) return [];
  try {
    const n = countTfFiles(config.terraformDir);
    return n
      ? [{ status: 'ok', name: 'terraform dir', detail: `${config.terraformDir}: ${n} .tf file(s)` }]
      : [{ status: 'FAIL', name: 'terraform dir', detail: `${config.terraformDir} has no .tf files`, fix: 'point TERRAFORM_DIR at the checkout that holds your aws_elasticache_replication_group resources' }];
  } catch (err) {
    return [{ status: 'FAIL', name: 'terraform dir', detail: `${config.terraformDir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, fix: 'make the directory readable by the bot user' }];
  }
}

function networkReason(err: unknown): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'no answer before the timeout';
  return e?.cause?.code ?? e?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}
