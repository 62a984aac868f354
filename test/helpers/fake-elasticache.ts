/**
 * A local stand-in for the ElastiCache (and STS AssumeRole) API on 127.0.0.1, speaking the real awsQuery
 * protocol: form-encoded `Action=...&Version=2015-02-02` in, XML out, in the shapes of the AWS API reference
 * (DescribeReplicationGroups sample response) and of the SDK's own schema (list member names such as
 * <ClusterId>, <NodeGroup>, <CacheCluster>, <Tag>, and <member> for UserGroupIds and ServerlessCaches).
 * The real @aws-sdk/client-elasticache talks to it through its `endpoint` option or AWS_ENDPOINT_URL_ELASTICACHE.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REGION_CODES } from '../../src/diagnosis/hostnames.js';

const EC_NS = 'http://elasticache.amazonaws.com/doc/2015-02-02/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export type FakeTransit = 'off' | 'preferred' | 'required' | 'on-no-mode';

export interface FakeGroup {
  id: string;
  region?: string;
  accountId?: string;
  transit?: FakeTransit;
  pending?: { transitEncryptionEnabled?: boolean; transitEncryptionMode?: 'preferred' | 'required' };
  engine?: 'redis' | 'valkey';
  engineVersion?: string;
  clusterEnabled?: boolean;
  numNodeGroups?: number;
  replicasPerNodeGroup?: number;
  authTokenEnabled?: boolean;
  authTokenLastModifiedDate?: string;
  userGroupIds?: string[];
  atRestEncryptionEnabled?: boolean;
  status?: string;
  nodeType?: string;
  hash?: string;
  port?: number;
  /** Overrides the primary endpoint's host name (a naming scheme the host-name parser does not know). */
  primaryHost?: string;
  globalReplicationGroupId?: string;
  tags?: Record<string, string>;
}

export interface FakeServerless {
  name: string;
  region?: string;
  accountId?: string;
  engine?: 'redis' | 'valkey';
  majorEngineVersion?: string;
  fullEngineVersion?: string;
  userGroupId?: string;
  status?: string;
  hash?: string;
  tags?: Record<string, string>;
}

export interface FakeOptions {
  groups?: FakeGroup[];
  serverless?: FakeServerless[];
  /** Actions answered with AccessDenied (403), e.g. ['DescribeCacheClusters']. */
  deny?: string[];
  /** Deny DescribeReplicationGroups without a ReplicationGroupId (a policy scoped to named groups: no listing). */
  denyListing?: boolean;
  /** Action -> how many of the next calls are answered with Throttling (400) before normal answers. */
  throttle?: Record<string, number>;
  /** Delay every answer this long (slow mode); per action with delayByAction. */
  delayMs?: number;
  delayByAction?: Record<string, number>;
  /** The principal named in AccessDenied messages. */
  principalArn?: string;
  /** Role ARN -> access key id the fake hands out on AssumeRole. Unknown roles are denied. */
  roles?: Record<string, string>;
}

export interface RecordedRequest {
  action: string;
  params: Record<string, string>;
  /** Access key id from the SigV4 Authorization header: shows which credentials signed the call. */
  accessKeyId?: string;
}

export interface FakeElastiCache {
  url: string;
  /** Calls per Action, counted as they arrive (throttled and denied ones included). */
  calls: Record<string, number>;
  requests: RecordedRequest[];
  options: FakeOptions;
  reset(): void;
  close(): Promise<void>;
}

/** Region name -> the short code ElastiCache puts in host names: the product's own table, inverted. */
const CODE_OF_REGION: Record<string, string> = Object.fromEntries(Object.entries(REGION_CODES).map(([code, region]) => [region, code]));

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
function el(name: string, value: string | number | boolean | undefined | null): string {
  return value === undefined || value === null ? '' : `<${name}>${esc(String(value))}</${name}>`;
}
function endpointXml(name: string, ep: { host: string; port: number } | undefined): string {
  return ep ? `<${name}><Address>${esc(ep.host)}</Address><Port>${ep.port}</Port></${name}>` : '';
}
function suffixFor(region: string): string {
  return region.startsWith('cn-') ? 'cache.amazonaws.com.cn' : 'cache.amazonaws.com';
}
function regionCode(region: string): string {
  return CODE_OF_REGION[region] ?? region;
}

/** Host names as FIELD-NOTES describe them: TLS style (master./replica./clustercfg.) or the ng.0001 style. */
export function groupEndpoints(g: FakeGroup): {
  primary?: { host: string; port: number };
  reader?: { host: string; port: number };
  configuration?: { host: string; port: number };
  members: { id: string; host: string; port: number; role: string }[];
} {
  const region = g.region ?? 'ap-northeast-1';
  const hash = g.hash ?? 'abc123';
  const port = g.port ?? 6379;
  const tail = `${regionCode(region)}.${suffixFor(region)}`;
  const tls = (g.transit ?? 'off') !== 'off';
  const members: { id: string; host: string; port: number; role: string }[] = [];
  const shards = g.clusterEnabled ? (g.numNodeGroups ?? 3) : 1;
  const replicas = g.replicasPerNodeGroup ?? 1;
  for (let s = 1; s <= shards; s++) {
    for (let n = 1; n <= replicas + 1; n++) {
      const id = g.clusterEnabled
        ? `${g.id}-${String(s).padStart(4, '0')}-${String(n).padStart(3, '0')}`
        : `${g.id}-${String(n).padStart(3, '0')}`;
      // Node names follow the group's style: <node>.<id>.<hash>.<rc> with TLS, <node>.<hash>.000N.<rc> without.
      const host = tls ? `${id}.${g.id}.${hash}.${tail}` : `${id}.${hash}.${String(n).padStart(4, '0')}.${tail}`;
      members.push({ id, host, port, role: n === 1 ? 'primary' : 'replica' });
    }
  }
  if (g.clusterEnabled) {
    const host = tls ? `clustercfg.${g.id}.${hash}.${tail}` : `${g.id}.${hash}.clustercfg.${tail}`;
    return { configuration: { host, port }, members };
  }
  return {
    primary: { host: g.primaryHost ?? (tls ? `master.${g.id}.${hash}.${tail}` : `${g.id}.${hash}.ng.0001.${tail}`), port },
    reader: { host: tls ? `replica.${g.id}.${hash}.${tail}` : `${g.id}-ro.${hash}.ng.0001.${tail}`, port },
    members,
  };
}

function groupArn(g: FakeGroup): string {
  const region = g.region ?? 'ap-northeast-1';
  const partition = region.startsWith('cn-') ? 'aws-cn' : 'aws';
  return `arn:${partition}:elasticache:${region}:${g.accountId ?? '123456789012'}:replicationgroup:${g.id}`;
}

function replicationGroupXml(g: FakeGroup): string {
  const transit = g.transit ?? 'off';
  const eps = groupEndpoints(g);
  const nodeGroups: string[] = [];
  const shardIds = [...new Set(eps.members.map((m) => (g.clusterEnabled ? m.id.split('-').slice(-2, -1)[0]! : '0001')))];
  for (const shard of shardIds) {
    const members = eps.members.filter((m) => !g.clusterEnabled || m.id.split('-').slice(-2, -1)[0] === shard);
    const memberXml = members.map((m) =>
      '<NodeGroupMember>' + el('CacheClusterId', m.id) + el('CacheNodeId', '0001') +
      (g.clusterEnabled ? '' : endpointXml('ReadEndpoint', { host: m.host, port: m.port })) +
      el('PreferredAvailabilityZone', `${g.region ?? 'ap-northeast-1'}a`) +
      (g.clusterEnabled ? '' : el('CurrentRole', m.role)) + '</NodeGroupMember>').join('');
    nodeGroups.push('<NodeGroup>' + el('NodeGroupId', shard) + el('Status', 'available') +
      endpointXml('PrimaryEndpoint', eps.primary) + endpointXml('ReaderEndpoint', eps.reader) +
      (g.clusterEnabled ? el('Slots', '0-5461') : '') +
      `<NodeGroupMembers>${memberXml}</NodeGroupMembers></NodeGroup>`);
  }
  const pending = g.pending
    ? '<PendingModifiedValues>' + el('TransitEncryptionEnabled', g.pending.transitEncryptionEnabled) +
      el('TransitEncryptionMode', g.pending.transitEncryptionMode) + '</PendingModifiedValues>'
    : '<PendingModifiedValues/>';
  const global = g.globalReplicationGroupId
    ? `<GlobalReplicationGroupInfo>${el('GlobalReplicationGroupId', g.globalReplicationGroupId)}${el('GlobalReplicationGroupMemberRole', 'PRIMARY')}</GlobalReplicationGroupInfo>`
    : '';
  return '<ReplicationGroup>' +
    el('ReplicationGroupId', g.id) + el('Description', `${g.id} cache`) + global +
    el('Status', g.status ?? 'available') + pending +
    `<MemberClusters>${eps.members.map((m) => el('ClusterId', m.id)).join('')}</MemberClusters>` +
    `<NodeGroups>${nodeGroups.join('')}</NodeGroups>` +
    el('SnapshottingClusterId', eps.members[1]?.id ?? eps.members[0]?.id) +
    el('AutomaticFailover', 'enabled') + el('MultiAZ', 'enabled') +
    endpointXml('ConfigurationEndpoint', eps.configuration) +
    el('SnapshotRetentionLimit', 1) + el('SnapshotWindow', '17:00-18:00') +
    el('ClusterEnabled', !!g.clusterEnabled) + el('CacheNodeType', g.nodeType ?? 'cache.r6g.large') +
    el('AuthTokenEnabled', !!g.authTokenEnabled) + el('AuthTokenLastModifiedDate', g.authTokenLastModifiedDate) +
    el('TransitEncryptionEnabled', transit !== 'off') +
    el('AtRestEncryptionEnabled', g.atRestEncryptionEnabled ?? false) + el('ARN', groupArn(g)) +
    (g.userGroupIds?.length ? `<UserGroupIds>${g.userGroupIds.map((u) => el('member', u)).join('')}</UserGroupIds>` : '') +
    el('ReplicationGroupCreateTime', '2022-04-01T09:00:00.000Z') + el('DataTiering', 'disabled') +
    el('AutoMinorVersionUpgrade', true) + el('NetworkType', 'ipv4') + el('IpDiscovery', 'ipv4') +
    el('TransitEncryptionMode', transit === 'preferred' || transit === 'required' ? transit : undefined) +
    el('ClusterMode', g.clusterEnabled ? 'enabled' : 'disabled') + el('Engine', g.engine ?? 'redis') +
    '</ReplicationGroup>';
}

function cacheClusterXml(g: FakeGroup, memberId: string): string {
  const transit = g.transit ?? 'off';
  return '<CacheCluster>' + el('CacheClusterId', memberId) + el('CacheNodeType', g.nodeType ?? 'cache.r6g.large') +
    el('Engine', g.engine ?? 'redis') + el('EngineVersion', g.engineVersion ?? (g.engine === 'valkey' ? '8.0.1' : '7.1.0')) +
    el('CacheClusterStatus', g.status ?? 'available') + el('NumCacheNodes', 1) +
    el('PreferredAvailabilityZone', `${g.region ?? 'ap-northeast-1'}a`) +
    el('CacheClusterCreateTime', '2022-04-01T09:00:00.000Z') + el('PreferredMaintenanceWindow', 'sun:05:00-sun:06:00') +
    '<PendingModifiedValues/>' + el('CacheSubnetGroupName', 'cache-subnets') + el('AutoMinorVersionUpgrade', true) +
    el('ReplicationGroupId', g.id) + el('AuthTokenEnabled', !!g.authTokenEnabled) +
    el('TransitEncryptionEnabled', transit !== 'off') + el('AtRestEncryptionEnabled', g.atRestEncryptionEnabled ?? false) +
    el('ARN', groupArn(g).replace(`replicationgroup:${g.id}`, `cluster:${memberId}`)) + el('ReplicationGroupLogDeliveryEnabled', false) +
    el('NetworkType', 'ipv4') + el('IpDiscovery', 'ipv4') +
    el('TransitEncryptionMode', transit === 'preferred' || transit === 'required' ? transit : undefined) +
    '</CacheCluster>';
}

export function serverlessEndpoint(s: FakeServerless): string {
  const region = s.region ?? 'ap-northeast-1';
  return `${s.name}-${s.hash ?? 'x1y2z3'}.serverless.${regionCode(region)}.${suffixFor(region)}`;
}

function serverlessXml(s: FakeServerless): string {
  const region = s.region ?? 'ap-northeast-1';
  const host = serverlessEndpoint(s);
  return '<member>' + el('ServerlessCacheName', s.name) + el('Description', `${s.name} serverless`) +
    el('CreateTime', '2024-01-10T08:00:00.000Z') + el('Status', s.status ?? 'available') + el('Engine', s.engine ?? 'valkey') +
    el('MajorEngineVersion', s.majorEngineVersion ?? '8') + el('FullEngineVersion', s.fullEngineVersion ?? '8.0') +
    `<SecurityGroupIds>${el('SecurityGroupId', 'sg-0123456789abcdef0')}</SecurityGroupIds>` +
    endpointXml('Endpoint', { host, port: 6379 }) + endpointXml('ReaderEndpoint', { host, port: 6380 }) +
    el('ARN', `arn:aws:elasticache:${region}:${s.accountId ?? '123456789012'}:serverlesscache:${s.name}`) +
    el('UserGroupId', s.userGroupId) + el('SnapshotRetentionLimit', 0) + el('NetworkType', 'ipv4') + '</member>';
}

function ok(res: ServerResponse, action: string, inner: string, ns = EC_NS): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${ns}"><${action}Result>${inner}</${action}Result>` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
  res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  res.end(body);
}

function fail(res: ServerResponse, status: number, code: string, message: string, type = 'Sender', ns = EC_NS): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${ns}"><Error><Type>${type}</Type>` +
    `<Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function page<T>(items: T[], params: Record<string, string>, markerKey: string, maxKey: string): { items: T[]; next?: string } {
  const start = params[markerKey] ? Number(Buffer.from(params[markerKey]!, 'base64').toString('utf8')) : 0;
  const max = params[maxKey] ? Number(params[maxKey]) : 100;
  const slice = items.slice(start, start + max);
  const nextIndex = start + max;
  return { items: slice, next: nextIndex < items.length ? Buffer.from(String(nextIndex)).toString('base64') : undefined };
}

export async function startFakeElastiCache(options: FakeOptions = {}): Promise<FakeElastiCache> {
  const calls: Record<string, number> = {};
  const requests: RecordedRequest[] = [];
  const throttleLeft: Record<string, number> = { ...(options.throttle ?? {}) };
  const sockets = new Set<import('node:net').Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const params = Object.fromEntries(new URLSearchParams(body));
    const action = params.Action ?? '';
    const accessKeyId = /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1];
    calls[action] = (calls[action] ?? 0) + 1;
    requests.push({ action, params, accessKeyId });

    const delay = fake.options.delayByAction?.[action] ?? fake.options.delayMs ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (res.destroyed || res.writableEnded) return;

    if (action === 'AssumeRole') {
      const key = fake.options.roles?.[params.RoleArn ?? ''];
      if (!key) {
        fail(res, 403, 'AccessDenied', `User: ${fake.options.principalArn ?? 'arn:aws:iam::123456789012:user/bot'} is not authorized to perform: sts:AssumeRole on resource: ${params.RoleArn}`, 'Sender', STS_NS);
        return;
      }
      ok(res, 'AssumeRole',
        `<Credentials><AccessKeyId>${key}</AccessKeyId><SecretAccessKey>fake-secret-${key}</SecretAccessKey>` +
        `<SessionToken>fake-session-${key}</SessionToken><Expiration>${new Date(Date.now() + 3600_000).toISOString()}</Expiration></Credentials>` +
        `<AssumedRoleUser><AssumedRoleId>AROAFAKE:${esc(params.RoleSessionName ?? 's')}</AssumedRoleId>` +
        `<Arn>${esc(`${(params.RoleArn ?? '').replace(':iam:', ':sts:').replace(':role/', ':assumed-role/')}/${params.RoleSessionName ?? 's'}`)}</Arn></AssumedRoleUser>`,
        STS_NS);
      return;
    }

    if ((throttleLeft[action] ?? 0) > 0) {
      throttleLeft[action]! -= 1;
      fail(res, 400, 'Throttling', 'Rate exceeded');
      return;
    }
    const listing = action === 'DescribeReplicationGroups' && !params.ReplicationGroupId;
    if (fake.options.deny?.includes(action) || (listing && fake.options.denyListing)) {
      const region = 'ap-northeast-1';
      const resource = action === 'DescribeReplicationGroups'
        ? `arn:aws:elasticache:${region}:123456789012:replicationgroup:${params.ReplicationGroupId ?? '*'}`
        : action === 'DescribeCacheClusters'
          ? `arn:aws:elasticache:${region}:123456789012:cluster:${params.CacheClusterId ?? '*'}`
          : `arn:aws:elasticache:${region}:123456789012:*`;
      fail(res, 403, 'AccessDenied',
        `User: ${fake.options.principalArn ?? 'arn:aws:sts::123456789012:assumed-role/redis-diagnose/bot'} is not authorized to perform: elasticache:${action} on resource: ${resource} because no identity-based policy allows the elasticache:${action} action`);
      return;
    }

    const groups = fake.options.groups ?? [];
    switch (action) {
      case 'DescribeReplicationGroups': {
        const id = params.ReplicationGroupId;
        if (id) {
          const g = groups.find((x) => x.id.toLowerCase() === id.toLowerCase());
          if (!g) return fail(res, 404, 'ReplicationGroupNotFoundFault', `Replication group ${id} not found.`);
          return ok(res, action, `<ReplicationGroups>${replicationGroupXml(g)}</ReplicationGroups>`);
        }
        const p = page(groups, params, 'Marker', 'MaxRecords');
        return ok(res, action, el('Marker', p.next) + `<ReplicationGroups>${p.items.map(replicationGroupXml).join('')}</ReplicationGroups>`);
      }
      case 'DescribeCacheClusters': {
        const id = params.CacheClusterId;
        const all = groups.flatMap((g) => groupEndpoints(g).members.map((m) => ({ g, id: m.id })));
        const found = id ? all.filter((m) => m.id === id) : all;
        if (id && found.length === 0) return fail(res, 404, 'CacheClusterNotFound', `Cache cluster ${id} not found.`);
        const p = page(found, params, 'Marker', 'MaxRecords');
        return ok(res, action, el('Marker', p.next) + `<CacheClusters>${p.items.map((m) => cacheClusterXml(m.g, m.id)).join('')}</CacheClusters>`);
      }
      case 'DescribeServerlessCaches': {
        const all = fake.options.serverless ?? [];
        const name = params.ServerlessCacheName;
        const found = name ? all.filter((s) => s.name === name) : all;
        if (name && found.length === 0) return fail(res, 404, 'ServerlessCacheNotFoundFault', `Serverless cache ${name} not found.`);
        const p = page(found, params, 'NextToken', 'MaxResults');
        return ok(res, action, el('NextToken', p.next) + `<ServerlessCaches>${p.items.map(serverlessXml).join('')}</ServerlessCaches>`);
      }
      case 'ListTagsForResource': {
        const arn = params.ResourceName ?? '';
        const g = groups.find((x) => groupArn(x) === arn);
        const sc = (fake.options.serverless ?? []).find((x) => arn.endsWith(`:serverlesscache:${x.name}`));
        if (!g && !sc) return fail(res, 404, 'InvalidARN', `The ARN ${arn} does not name a resource.`);
        const tags = Object.entries(g?.tags ?? sc?.tags ?? {}).map(([k, v]) => `<Tag>${el('Key', k)}${el('Value', v)}</Tag>`).join('');
        return ok(res, action, `<TagList>${tags}</TagList>`);
      }
      default:
        return fail(res, 400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) fail(res, 500, 'InternalFailure', String(err), 'Receiver');
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeElastiCache = {
    url: `http://127.0.0.1:${port}`,
    calls,
    requests,
    options,
    reset() {
      for (const k of Object.keys(calls)) delete calls[k];
      requests.length = 0;
      for (const k of Object.keys(throttleLeft)) delete throttleLeft[k];
      Object.assign(throttleLeft, fake.options.throttle ?? {});
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
  return fake;
}
