import type { Hints } from './analyze.js';
import { isElastiCacheHost, parseElastiCacheHost } from './hostnames.js';
import type { MatchResult } from './matcher.js';
import type { Context, Endpoint } from './types.js';

// Host names and IPs as they appear in errors. Bounded repetitions only (linear on any line).
const HOST = String.raw`(?:\[[0-9a-fA-F:.]{2,45}\]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.){0,12}[A-Za-z0-9-]{1,63})`;
const URL_RE = /\b((?:rediss?|valkeys?)):\/\/(?:[^\s@/'"<>]{0,400}@)?([A-Za-z0-9.-]{1,253}|\[[0-9a-fA-F:.]{2,45}\])(?::(\d{1,5}))?/gi;
const ELASTICACHE_RE = /\b((?:[a-z0-9-]{1,63}\.){1,8}cache\.amazonaws\.com(?:\.cn)?)(?::(\d{1,5}))?/gi;
// "connecting to host:port", "connect ECONNREFUSED 1.2.3.4:6379", "Could not connect to Redis at host:port", "dial tcp host:port"
const PHRASE_RE = new RegExp(
  // "connect to Redis at HOST": the host follows "at", not "connect to".
  String.raw`(?:(?:connecting to|connect to|connection to)(?!\s{1,3}Redis(?: server)? at\b)|Redis(?: server)? at|dial tcp|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|reading from|writing to|peeraddr=|Unable to connect to)\s{1,3}(${HOST})(?:/[^\s:]{0,100})?(?::(\d{1,5}))?`,
  'gi',
);
const PHRASE_GUARD = /connect|Redis(?: server)? at|dial tcp|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|reading from|writing to|peeraddr=/i;
// Java style host/1.2.3.4:6379 and bare host:6379 / host:6380
const PORT_RE = new RegExp(String.raw`(${HOST})(?:/[0-9a-fA-F.:]{2,45})?:(6379|6380)\b`, 'g');
const ARN_RE = /arn:aws(?:-cn|-us-gov)?:elasticache:([a-z0-9-]{6,20}):(\d{12}):(replicationgroup|cluster|serverlesscache):([a-z0-9-]{1,50})/gi;
const GROUP_FLAG_RE = /(?:--replication-group-id[ =]|ReplicationGroupId["']?\s{0,3}[:=]\s{0,3}["']?|replication_group_id\s{0,3}=\s{0,3}["']?)([a-z][a-z0-9-]{0,39})/gi;
const REGION_RE = /\b((?:us|ca|mx|sa|eu|ap|me|il|af|cn)(?:-gov)?-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d)\b/g;

/** A bare target (group id, endpoint) given without any error text. */
const BARE_GROUP_ID = /^[a-z][a-z0-9-]{0,39}$/;
const BARE_ENDPOINT = new RegExp(String.raw`^(${HOST})(?::(\d{1,5}))?$`);

interface Candidate {
  endpoint: Endpoint;
  score: number;
  order: number;
}

export interface Extracted {
  context: Context;
  accountId?: string;
}

export function extractContext(match: MatchResult, hints: Hints): Extracted {
  const candidates = new Map<string, Candidate>();
  let order = 0;
  const consider = (host: string, port: string | undefined, score: number) => {
    const h = host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
    if (!h || h.length > 253 || /^\d+$/.test(h)) return;
    const p = port ? Number(port) : undefined;
    if (p !== undefined && (p < 1 || p > 65535)) return;
    const key = h;
    const existing = candidates.get(key);
    const bonus = isElastiCacheHost(h) ? 5 : 0;
    // A bare word with no port ("redis", "server") is a weak reading of a phrase; a name or address with a port is not.
    if (!p && !h.includes('.') && !h.includes(':')) score = Math.min(score, 0.5);
    if (existing) {
      existing.score += score;
      if (p && !existing.endpoint.port) existing.endpoint.port = p;
    } else {
      candidates.set(key, { endpoint: { host: h, ...(p ? { port: p } : {}) }, score: score + bonus, order: order++ });
    }
  };

  let scheme: Context['scheme'];
  let accountId: string | undefined;
  let groupFromText: string | undefined;
  let regionFromText: string | undefined;
  for (const line of match.extractLines) {
    for (const m of line.matchAll(URL_RE)) {
      scheme ??= m[1]!.toLowerCase().startsWith('valkeys') || m[1]!.toLowerCase() === 'rediss' ? 'rediss' : 'redis';
      consider(m[2]!, m[3], 4);
    }
    for (const m of line.matchAll(ELASTICACHE_RE)) consider(m[1]!, m[2], 3);
    // Cheap guards first: the host patterns only run on lines that can hold what they look for.
    if (PHRASE_GUARD.test(line)) for (const m of line.matchAll(PHRASE_RE)) consider(m[1]!, m[2], 2);
    if (line.includes(':6379') || line.includes(':6380')) for (const m of line.matchAll(PORT_RE)) consider(m[1]!, m[2], 1);
    if (!line.includes('arn:aws') && !/replication|region|-\d\b/i.test(line)) continue;
    for (const m of line.matchAll(ARN_RE)) {
      regionFromText ??= m[1]!;
      accountId ??= m[2]!;
      if (m[3]!.toLowerCase() === 'replicationgroup') groupFromText ??= m[4]!;
    }
    for (const m of line.matchAll(GROUP_FLAG_RE)) groupFromText ??= m[1]!;
    for (const m of line.matchAll(REGION_RE)) regionFromText ??= m[1]!;
  }

  const best = [...candidates.values()].sort((a, b) => b.score - a.score || a.order - b.order)[0];
  let endpoint = best?.endpoint;
  if (hints.endpoint) endpoint = parseEndpoint(hints.endpoint) ?? endpoint;

  const context: Context = { redisContext: [] };
  if (endpoint) context.endpoint = endpoint;
  const parsed = endpoint ? parseElastiCacheHost(endpoint.host) : undefined;
  if (parsed) {
    for (const [k, v] of Object.entries(parsed)) {
      if (v !== undefined && k !== 'regionCode' && k !== 'unknownRegionCode') (context as unknown as Record<string, unknown>)[k] = v;
    }
  }
  if (groupFromText && !context.replicationGroupId) context.replicationGroupId = groupFromText;
  if (regionFromText && !context.region) context.region = regionFromText;
  if (hints.group) context.replicationGroupId = hints.group;
  if (hints.region) context.region = hints.region;
  if (scheme) context.scheme = scheme;
  return { context, ...(accountId ? { accountId } : {}) };
}

export function parseEndpoint(value: string): Endpoint | undefined {
  const trimmed = value.trim().replace(/^(?:rediss?|valkeys?):\/\/(?:[^@/]*@)?/i, '').replace(/\/.*$/, '');
  const m = BARE_ENDPOINT.exec(trimmed);
  if (!m) return undefined;
  const port = m[2] ? Number(m[2]) : undefined;
  return { host: m[1]!.replace(/^\[|\]$/g, '').toLowerCase(), ...(port ? { port } : {}) };
}

/** `prd-redis` or `master.prd-redis.abc123.apne1.cache.amazonaws.com:6379` typed alone: a target, not a paste. */
export function parseBareTarget(text: string): Hints | undefined {
  const t = text.trim();
  if (!t || /\s/.test(t) || t.length > 300) return undefined;
  if (/^(?:rediss?|valkeys?):\/\//i.test(t) || t.includes('.')) {
    const endpoint = parseEndpoint(t);
    return endpoint ? { endpoint: endpoint.port ? `${endpoint.host}:${endpoint.port}` : endpoint.host } : undefined;
  }
  if (BARE_GROUP_ID.test(t)) return { group: t };
  return undefined;
}
