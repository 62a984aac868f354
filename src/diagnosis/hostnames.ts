import type { Context, EndpointKind } from './types.js';

/**
 * ElastiCache short region codes, as they appear in endpoint host names. An explicit table:
 * a code missing here is reported as unknown rather than guessed.
 */
export const REGION_CODES: Record<string, string> = {
  use1: 'us-east-1', use2: 'us-east-2', usw1: 'us-west-1', usw2: 'us-west-2',
  cac1: 'ca-central-1', caw1: 'ca-west-1', mxc1: 'mx-central-1', sae1: 'sa-east-1',
  euc1: 'eu-central-1', euc2: 'eu-central-2', euw1: 'eu-west-1', euw2: 'eu-west-2', euw3: 'eu-west-3',
  eun1: 'eu-north-1', eus1: 'eu-south-1', eus2: 'eu-south-2',
  apne1: 'ap-northeast-1', apne2: 'ap-northeast-2', apne3: 'ap-northeast-3',
  apse1: 'ap-southeast-1', apse2: 'ap-southeast-2', apse3: 'ap-southeast-3', apse4: 'ap-southeast-4',
  apse5: 'ap-southeast-5', apse6: 'ap-southeast-6', apse7: 'ap-southeast-7',
  aps1: 'ap-south-1', aps2: 'ap-south-2', ape1: 'ap-east-1', ape2: 'ap-east-2',
  mes1: 'me-south-1', mec1: 'me-central-1', ilc1: 'il-central-1', afs1: 'af-south-1',
  cnn1: 'cn-north-1', cnw1: 'cn-northwest-1',
  ugw1: 'us-gov-west-1', uge1: 'us-gov-east-1',
};

const FULL_REGION = /^(?:us|ca|mx|sa|eu|ap|me|il|af|cn)(?:-gov)?-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d$/;
const SUFFIXES: { suffix: string; partition: 'aws' | 'aws-cn' }[] = [
  { suffix: '.cache.amazonaws.com.cn', partition: 'aws-cn' },
  { suffix: '.cache.amazonaws.com', partition: 'aws' },
];
const ID = /^[a-z][a-z0-9-]{0,49}$/;
const HASH = /^[a-z0-9]{4,10}$/;

export type ElastiCacheHost = Pick<Context, 'replicationGroupId' | 'cacheClusterId' | 'serverlessCacheName' | 'region' | 'partition' | 'endpointKind' | 'hostStyle'> & {
  regionCode?: string;
  /** The region code is not in REGION_CODES. */
  unknownRegionCode?: boolean;
};

export function isElastiCacheHost(host: string): boolean {
  const h = host.toLowerCase();
  return SUFFIXES.some((s) => h.endsWith(s.suffix));
}

/** Reads group id, node id, region and the endpoint's style out of an ElastiCache host name. */
export function parseElastiCacheHost(host: string): ElastiCacheHost | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  const suffix = SUFFIXES.find((s) => h.endsWith(s.suffix));
  if (!suffix) return undefined;
  const labels = h.slice(0, -suffix.suffix.length).split('.');
  const regionCode = labels.pop();
  if (!regionCode || labels.length === 0) return undefined;
  const region = REGION_CODES[regionCode] ?? (FULL_REGION.test(regionCode) ? regionCode : undefined);
  const base: ElastiCacheHost = { partition: suffix.partition, regionCode, ...(region ? { region } : { unknownRegionCode: true }) };
  const [a, b, c, d] = labels;

  // Serverless: <name>-<hash>.serverless.<rc>
  if (labels.length === 2 && b === 'serverless' && a) {
    const name = a.replace(/-[a-z0-9]{4,10}$/, '');
    return { ...base, serverlessCacheName: name, endpointKind: 'serverless', hostStyle: 'serverless' };
  }
  // TLS style: master|replica|clustercfg.<id>.<hash>.<rc>, and nodes <id>-001.<id>.<hash>.<rc>
  if (labels.length === 3 && a && b && c && ID.test(b) && HASH.test(c)) {
    const kinds: Record<string, EndpointKind> = { master: 'primary', replica: 'reader', clustercfg: 'configuration' };
    const kind = kinds[a];
    if (kind) return { ...base, replicationGroupId: b, endpointKind: kind, hostStyle: 'tls' };
    if (a.startsWith(`${b}-`)) return { ...base, replicationGroupId: b, cacheClusterId: a, endpointKind: 'node', hostStyle: 'tls' };
  }
  // Plaintext style: <id>.<hash>.ng.0001 (primary), <id>-ro.<hash>.ng.0001 (reader)
  if (labels.length === 4 && a && b && c === 'ng' && d && /^\d{4}$/.test(d) && HASH.test(b)) {
    const reader = a.endsWith('-ro');
    const id = reader ? a.slice(0, -3) : a;
    if (ID.test(id)) return { ...base, replicationGroupId: id, endpointKind: reader ? 'reader' : 'primary', hostStyle: 'plaintext' };
  }
  // Plaintext style configuration endpoint: <id>.<hash>.clustercfg
  if (labels.length === 3 && a && b && c === 'clustercfg' && ID.test(a) && HASH.test(b)) {
    return { ...base, replicationGroupId: a, endpointKind: 'configuration', hostStyle: 'plaintext' };
  }
  // Plaintext style node: <id>-001.<hash>.0001 or <id>-0001-001.<hash>.0001 (cluster mode)
  if (labels.length === 3 && a && b && c && /^\d{4}$/.test(c) && HASH.test(b)) {
    const m = /^([a-z][a-z0-9-]*?)(?:-\d{4})?-\d{3}$/.exec(a);
    if (m?.[1]) return { ...base, replicationGroupId: m[1], cacheClusterId: a, endpointKind: 'node', hostStyle: 'plaintext' };
  }
  return { ...base, endpointKind: 'unknown' };
}
