import { parseElastiCacheHost as parseHost } from '../diagnosis/hostnames.js';
import type { Target } from './types.js';

/**
 * What the policy knows about a target. Every group id and region the target carries is checked: the ones the
 * caller passed and the ones in the endpoint's ElastiCache host name (for a probe the host is what gets dialed,
 * so a caller-supplied id alone must not stand in for it).
 */
export interface KnownTarget {
  accountId?: string;
  /** How the account was known: the caller, ACCOUNT_ROLES for the region, or the policy's defaults.account. */
  accountFrom?: 'target' | 'account-roles' | 'policy-default';
  regions: string[];
  groups: string[];
  /** `host:port` as safe to show: no scheme, no user info. */
  endpoint?: string;
  /** The endpoint's host when it names no ElastiCache group (a CNAME, an IP): a probe would dial something unidentified. */
  unidentifiedHost?: string;
}

export interface TargetContext {
  /** ACCOUNT_ROLES: account id or region -> role ARN. A region's role names the account the look-up reaches. */
  accountRoles?: Record<string, string>;
  /** The policy's defaults.account: the account the bot's own credentials reach. */
  defaultAccount?: string;
}

export function knowTarget(target: Target, ctx: TargetContext = {}): KnownTarget {
  const host = target.endpoint ? hostOf(target.endpoint) : undefined;
  const fromHost = host ? parseElastiCacheHost(host) : undefined;
  const regions = uniq([target.region, fromHost?.region].filter(isText).map((r) => r.toLowerCase()));
  const groups = uniq([target.replicationGroupId, fromHost?.id].filter(isText).map((g) => g.toLowerCase()));

  let accountId: string | undefined;
  let accountFrom: KnownTarget['accountFrom'];
  if (target.accountId) [accountId, accountFrom] = [target.accountId, 'target'];
  else {
    const roleAccounts = uniq(regions.map((r) => accountOfRole(ctx.accountRoles?.[r])).filter(isText));
    if (roleAccounts.length === 1) [accountId, accountFrom] = [roleAccounts[0], 'account-roles'];
    else if (roleAccounts.length === 0 && ctx.defaultAccount) [accountId, accountFrom] = [ctx.defaultAccount, 'policy-default'];
  }
  return {
    ...(accountId ? { accountId, accountFrom } : {}), regions, groups,
    ...(target.endpoint ? { endpoint: safeEndpoint(target.endpoint) } : {}),
    ...(host && !fromHost ? { unidentifiedHost: host } : {}),
  };
}

/** `arn:aws:iam::123456789012:role/x` -> 123456789012 */
export function accountOfRole(arn: string | undefined): string | undefined {
  return arn?.match(/^arn:aws[a-z-]*:iam::(\d{12}):/)?.[1];
}

/** The bare host name of an endpoint (`rediss://user:pass@host:6379/0` -> `host`), for matching. */
export function hostOf(endpoint: string): string {
  let s = endpoint.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  s = s.replace(/^[^@/]*@/, '');
  s = s.split(/[/?#]/)[0] ?? s;
  return s.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
}

/** `host:port` shown in logs and replies: scheme and user info stripped. */
export function safeEndpoint(endpoint: string): string {
  let s = endpoint.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  s = s.replace(/^[^@/]*@/, '');
  return (s.split(/[/?#]/)[0] ?? s).slice(0, 255);
}

/**
 * The group id (or serverless cache name) and region in an ElastiCache host name, read by the same parser as
 * the diagnosis and the live look-up, so the policy and the look-up agree on what a host names.
 * Undefined for a CNAME or an IP.
 */
export function parseElastiCacheHost(host: string): { id: string; region?: string } | undefined {
  const parsed = parseHost(host);
  const id = parsed?.replicationGroupId ?? parsed?.serverlessCacheName;
  return id ? { id, ...(parsed?.region ? { region: parsed.region } : {}) } : undefined;
}

function isText(v: string | undefined): v is string {
  return typeof v === 'string' && v.length > 0;
}

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
