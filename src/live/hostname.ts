/**
 * Reads an ElastiCache endpoint host name (FIELD-NOTES "ElastiCache host names"): which group, node or
 * serverless cache it names, in which region, and whether it is the TLS-style or the plaintext-style name.
 */
export interface ParsedEndpointHost {
  replicationGroupId?: string;
  cacheClusterId?: string;
  serverlessCacheName?: string;
  region?: string;
  partition: 'aws' | 'aws-cn';
  kind: 'primary' | 'reader' | 'configuration' | 'node' | 'serverless' | 'unknown';
  style: 'tls' | 'plaintext' | 'serverless' | 'unknown';
}

const SUFFIXES: [string, 'aws' | 'aws-cn'][] = [['.cache.amazonaws.com.cn', 'aws-cn'], ['.cache.amazonaws.com', 'aws']];

const AREAS = ['us-gov', 'us', 'eu', 'ap', 'sa', 'ca', 'me', 'af', 'il', 'mx', 'cn'];
const DIRECTIONS: Record<string, string> = {
  ne: 'northeast', nw: 'northwest', se: 'southeast', sw: 'southwest',
  n: 'north', s: 'south', e: 'east', w: 'west', c: 'central',
};

/** `apne1` -> `ap-northeast-1`, `usgw1` -> `us-gov-west-1`; full region names pass through. */
export function regionFromCode(code: string): string | undefined {
  const lower = code.toLowerCase();
  if (/^[a-z]{2}(-gov)?-[a-z]+-\d+$/.test(lower)) return lower;
  const m = /^(usg|us|eu|ap|sa|ca|me|af|il|mx|cn)(ne|nw|se|sw|n|s|e|w|c)(\d+)$/.exec(lower);
  if (!m) return undefined;
  const area = m[1] === 'usg' ? 'us-gov' : m[1]!;
  if (!AREAS.includes(area)) return undefined;
  return `${area}-${DIRECTIONS[m[2]!]}-${m[3]}`;
}

/** The replication group a member cluster id belongs to: `prd-redis-001` / `prd-redis-0001-002` -> `prd-redis`. */
export function groupIdFromClusterId(clusterId: string): string | undefined {
  const m = /^(.+?)(?:-\d{4})?-\d{3}$/.exec(clusterId);
  return m?.[1];
}

export function parseEndpointHost(rawHost: string): ParsedEndpointHost | undefined {
  const host = rawHost.trim().toLowerCase().replace(/\.$/, '');
  const suffix = SUFFIXES.find(([s]) => host.endsWith(s));
  if (!suffix) return undefined;
  const partition = suffix[1];
  const labels = host.slice(0, -suffix[0].length).split('.');
  const region = regionFromCode(labels[labels.length - 1] ?? '');
  const rest = labels.slice(0, -1);
  const out: ParsedEndpointHost = { partition, kind: 'unknown', style: 'unknown', ...(region ? { region } : {}) };

  // <name>-<hash>.serverless.<region>
  if (rest[rest.length - 1] === 'serverless' && rest.length === 2) {
    const name = rest[0]!.replace(/-[a-z0-9]{6}$/, '');
    return { ...out, serverlessCacheName: name, kind: 'serverless', style: 'serverless' };
  }
  // TLS style: master.<id>.<hash>, replica.<id>.<hash>, clustercfg.<id>.<hash>
  if (rest.length === 3 && (rest[0] === 'master' || rest[0] === 'replica' || rest[0] === 'clustercfg')) {
    const kind = rest[0] === 'master' ? 'primary' : rest[0] === 'replica' ? 'reader' : 'configuration';
    return { ...out, replicationGroupId: rest[1]!, kind, style: 'tls' };
  }
  // Plaintext style: <id>.<hash>.ng.0001, <id>-ro.<hash>.ng.0001, <id>.<hash>.clustercfg
  if (rest.length === 4 && rest[2] === 'ng') {
    const first = rest[0]!;
    if (first.endsWith('-ro')) return { ...out, replicationGroupId: first.slice(0, -3), kind: 'reader', style: 'plaintext' };
    return { ...out, replicationGroupId: first, kind: 'primary', style: 'plaintext' };
  }
  if (rest.length === 3 && rest[2] === 'clustercfg') {
    return { ...out, replicationGroupId: rest[0]!, kind: 'configuration', style: 'plaintext' };
  }
  // Node: <cluster-id>.<hash>.<node 0001>
  if (rest.length === 3 && /^\d{4}$/.test(rest[2]!)) {
    const cacheClusterId = rest[0]!;
    const groupId = groupIdFromClusterId(cacheClusterId);
    return { ...out, cacheClusterId, ...(groupId ? { replicationGroupId: groupId } : {}), kind: 'node' };
  }
  return out;
}

/** True when the host is one of the ElastiCache endpoint suffixes (any partition). */
export function isElastiCacheHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return SUFFIXES.some(([s]) => h.endsWith(s));
}
