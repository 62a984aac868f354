// The real @aws-sdk/client-elasticache against a local awsQuery endpoint (test/helpers/fake-elasticache.ts).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ElastiCacheFacts, type ElastiCacheSettings } from '../../src/live/elasticache.js';
import { groupEndpoints, serverlessEndpoint, startFakeElastiCache, type FakeElastiCache, type FakeGroup } from '../helpers/fake-elasticache.js';

const creds = { accessKeyId: 'AKIATESTBASE', secretAccessKey: 'test-secret-not-real' };
const GROUPS: FakeGroup[] = [
  { id: 'prd-redis', transit: 'off', engineVersion: '6.2.6' },
  { id: 'prd-pref', transit: 'preferred', engineVersion: '7.1.0' },
  { id: 'prd-req', transit: 'required', engineVersion: '7.1.0', authTokenEnabled: true, authTokenLastModifiedDate: '2025-11-02T10:00:00.000Z' },
  { id: 'prd-pending', transit: 'off', engineVersion: '7.0.7', pending: { transitEncryptionEnabled: true, transitEncryptionMode: 'preferred' }, status: 'modifying' },
  { id: 'prd-cluster', transit: 'required', clusterEnabled: true, numNodeGroups: 3, replicasPerNodeGroup: 2, userGroupIds: ['app-users'] },
  { id: 'prd-valkey', transit: 'required', engine: 'valkey', engineVersion: '8.0.1', atRestEncryptionEnabled: true, tags: { 'aws:cloudformation:stack-name': 'cache-stack' } },
];

let fake: FakeElastiCache;
const made: ElastiCacheFacts[] = [];
function facts(extra: Partial<ElastiCacheSettings> = {}): ElastiCacheFacts {
  const f = new ElastiCacheFacts({ endpoint: fake.url, credentials: creds, defaultRegion: 'ap-northeast-1', ...extra });
  made.push(f);
  return f;
}

beforeAll(async () => {
  fake = await startFakeElastiCache({ groups: GROUPS, serverless: [{ name: 'sessions', engine: 'valkey', fullEngineVersion: '8.0', userGroupId: 'svc-users' }] });
});
afterEach(() => {
  fake.options.deny = [];
  fake.options.denyListing = false;
  fake.options.throttle = {};
  fake.options.delayMs = 0;
  fake.options.delayByAction = {};
  fake.options.groups = GROUPS;
  fake.reset();
  for (const f of made.splice(0)) f.destroy();
});
afterAll(async () => {
  await fake.close();
});

describe('ElastiCache facts through the SDK', () => {
  it('reads a group with TLS off, with the engine version from a member cluster', async () => {
    const r = await facts().lookup({ replicationGroupId: 'prd-redis' });
    expect(r.errors).toEqual([]);
    expect(r.group).toMatchObject({
      kind: 'replication-group', replicationGroupId: 'prd-redis', region: 'ap-northeast-1', accountId: '123456789012',
      transitEncryptionEnabled: false, transitEncryptionMode: null, engine: 'redis', engineVersion: '6.2.6',
      clusterEnabled: false, authTokenEnabled: false, numNodeGroups: 1, replicasPerNodeGroup: 1,
    });
    expect(r.group!.endpoints).toContainEqual({ role: 'primary', host: 'prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com', port: 6379 });
    expect(r.group!.endpoints).toContainEqual({ role: 'reader', host: 'prd-redis-ro.abc123.ng.0001.apne1.cache.amazonaws.com', port: 6379 });
    expect(fake.requests.find((q) => q.action === 'DescribeCacheClusters')?.params.CacheClusterId).toBe('prd-redis-001');
    // The SDK signed with the credentials we gave it.
    expect(fake.requests.every((q) => q.accessKeyId === 'AKIATESTBASE')).toBe(true);
  });

  it('tells preferred, required and pending apart', async () => {
    const f = facts();
    const [pref, req, pending] = await Promise.all([f.lookup({ replicationGroupId: 'prd-pref' }), f.lookup({ replicationGroupId: 'prd-req' }), f.lookup({ replicationGroupId: 'prd-pending' })]);
    expect(pref.group).toMatchObject({ transitEncryptionEnabled: true, transitEncryptionMode: 'preferred' });
    expect(req.group).toMatchObject({ transitEncryptionEnabled: true, transitEncryptionMode: 'required', authTokenEnabled: true, authTokenLastModifiedDate: '2025-11-02T10:00:00.000Z' });
    expect(req.group!.endpoints[0]!.host).toBe('master.prd-req.abc123.apne1.cache.amazonaws.com');
    expect(pending.group).toMatchObject({
      transitEncryptionEnabled: false, pendingTransitEncryptionEnabled: true, pendingTransitEncryptionMode: 'preferred', status: 'modifying', engineVersion: '7.0.7',
    });
  });

  it('reads cluster mode, RBAC user groups, valkey and tags', async () => {
    const f = facts();
    const cluster = await f.lookup({ replicationGroupId: 'prd-cluster' });
    expect(cluster.group).toMatchObject({ clusterEnabled: true, clusterMode: 'enabled', numNodeGroups: 3, replicasPerNodeGroup: 2, userGroupIds: ['app-users'] });
    expect(cluster.group!.endpoints).toEqual([{ role: 'configuration', host: 'clustercfg.prd-cluster.abc123.apne1.cache.amazonaws.com', port: 6379 }]);
    expect(fake.requests.find((q) => q.action === 'DescribeCacheClusters')?.params.CacheClusterId).toBe('prd-cluster-0001-001');
    const valkey = await f.lookup({ replicationGroupId: 'prd-valkey' });
    expect(valkey.group).toMatchObject({ engine: 'valkey', engineVersion: '8.0.1', atRestEncryptionEnabled: true, tags: { 'aws:cloudformation:stack-name': 'cache-stack' } });
  });

  it('finds the group from a TLS-style or plaintext-style endpoint host name (id and region from the name)', async () => {
    const f = facts({ defaultRegion: undefined });
    const tlsName = await f.lookup({ host: 'master.prd-req.abc123.apne1.cache.amazonaws.com' });
    expect(tlsName.group?.replicationGroupId).toBe('prd-req');
    const node = await f.lookup({ host: 'prd-redis-002.abc123.0002.apne1.cache.amazonaws.com' });
    expect(node.group?.replicationGroupId).toBe('prd-redis');
    const reader = await f.lookup({ host: 'prd-redis-ro.abc123.ng.0001.apne1.cache.amazonaws.com' });
    expect(reader.group?.region).toBe('ap-northeast-1');
  });

  it('reads a serverless cache: always TLS, no TLS setting, RBAC through its user group', async () => {
    const r = await facts().lookup({ host: serverlessEndpoint({ name: 'sessions' }) });
    expect(r.errors).toEqual([]);
    expect(r.group).toMatchObject({ kind: 'serverless', replicationGroupId: 'sessions', transitEncryptionEnabled: true, transitEncryptionMode: null, engine: 'valkey', engineVersion: '8.0', userGroupIds: ['svc-users'] });
    expect(fake.calls.DescribeReplicationGroups ?? 0).toBe(0);
  });

  it('a --group that names a serverless cache is found there', async () => {
    const r = await facts().lookup({ replicationGroupId: 'sessions' });
    expect(r.errors).toEqual([]);
    expect(r.group).toMatchObject({ kind: 'serverless', replicationGroupId: 'sessions' });
  });

  it('pages through DescribeReplicationGroups to find a host name it cannot map to a group id', async () => {
    // 230 groups; the one whose primary endpoint has a name the parser does not know is on the third page of 100.
    const many: FakeGroup[] = Array.from({ length: 230 }, (_, i) => ({ id: `svc-${String(i).padStart(3, '0')}`, transit: 'off' as const }));
    many[217] = { ...many[217]!, primaryHost: 'cache-primary.legacy-naming.apne1.cache.amazonaws.com' };
    fake.options.groups = many;
    const r = await facts().lookup({ host: 'cache-primary.legacy-naming.apne1.cache.amazonaws.com' });
    expect(r.errors).toEqual([]);
    expect(r.group?.replicationGroupId).toBe('svc-217');
    const listing = fake.requests.filter((q) => q.action === 'DescribeReplicationGroups' && !q.params.ReplicationGroupId);
    expect(listing.map((q) => q.params.MaxRecords)).toEqual(['100', '100', '100']);
    expect(listing[0]!.params.Marker).toBeUndefined();
    expect(listing[2]!.params.Marker).toBeTruthy();
    expect(r.notes.join(' ')).toMatch(/Found svc-217 by its endpoint/);
  });

  it('an id derived from the host name that does not exist falls back to the endpoint search', async () => {
    fake.options.groups = [...GROUPS, { id: 'legacy', transit: 'off', primaryHost: 'orders-cache.abc123.ng.0001.apne1.cache.amazonaws.com' }];
    const r = await facts().lookup({ host: 'orders-cache.abc123.ng.0001.apne1.cache.amazonaws.com' });
    expect(r.group?.replicationGroupId).toBe('legacy');
    expect(fake.requests.find((q) => q.action === 'DescribeReplicationGroups')?.params.ReplicationGroupId).toBe('orders-cache');
  });

  it('pages for an alias that cannot be mapped, and says so when nothing matches', async () => {
    const r = await facts().lookup({ host: 'redis.internal.example.com' });
    expect(r.group).toBeUndefined();
    expect(r.errors[0]).toMatch(/No replication group with the endpoint redis\.internal\.example\.com was found in ap-northeast-1/);
  });

  it('not found: suggests close ids when listing is allowed', async () => {
    const r = await facts().lookup({ replicationGroupId: 'prd-rediss' });
    expect(r.group).toBeUndefined();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/Replication group prd-rediss was not found in ap-northeast-1/);
    expect(r.errors[0]).toMatch(/Close ids: prd-redis\b/);
  });

  it('not found and listing denied: says no close ids can be suggested, and why', async () => {
    fake.options.denyListing = true;
    const r = await facts().lookup({ replicationGroupId: 'prd-rediss' });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/Replication group prd-rediss was not found/);
    expect(r.errors[0]).toMatch(/Listing the groups is not allowed to the bot/);
  });

  it('access denied: names the missing IAM action', async () => {
    fake.options.deny = ['DescribeReplicationGroups'];
    const r = await facts().lookup({ replicationGroupId: 'prd-redis' });
    expect(r.group).toBeUndefined();
    expect(r.errors[0]).toMatch(/AWS denied elasticache:DescribeReplicationGroups/);
    expect(r.errors[0]).toMatch(/deploy\/iam-policy\.json/);
  });

  it('a denied DescribeCacheClusters keeps the group and says the engine version was not read', async () => {
    fake.options.deny = ['DescribeCacheClusters'];
    const r = await facts().lookup({ replicationGroupId: 'prd-redis' });
    expect(r.group?.transitEncryptionEnabled).toBe(false);
    expect(r.group?.engineVersion).toBeNull();
    expect(r.errors.join(' ')).toMatch(/Engine version not read: AWS denied elasticache:DescribeCacheClusters/);
  });

  it('throttling: the SDK retries and then succeeds', async () => {
    // One throttle: the SDK's throttling backoff is random, and two could outlast the 3 s budget.
    fake.options.throttle = { DescribeReplicationGroups: 1 };
    fake.reset();
    const r = await facts().lookup({ replicationGroupId: 'prd-redis' });
    expect(r.errors).toEqual([]);
    expect(r.group?.replicationGroupId).toBe('prd-redis');
    expect(fake.calls.DescribeReplicationGroups).toBe(2);
  });

  it('throttling that does not stop: says so after the retries, within the time bound', async () => {
    fake.options.throttle = { DescribeReplicationGroups: 100 };
    fake.reset();
    const started = Date.now();
    const r = await facts().lookup({ replicationGroupId: 'prd-redis' });
    expect(Date.now() - started).toBeLessThan(3500);
    expect(r.group).toBeUndefined();
    expect(r.errors[0]).toMatch(/AWS (throttled elasticache:DescribeReplicationGroups|did not answer elasticache:DescribeReplicationGroups within)/);
    expect(r.transient).toBe(true);
  });

  it('a response slower than the timeout ends the call by the deadline', async () => {
    fake.options.delayMs = 10_000;
    const started = Date.now();
    const r = await facts({ timeoutMs: 1000 }).lookup({ replicationGroupId: 'prd-redis' });
    const took = Date.now() - started;
    expect(took).toBeLessThan(2500);
    expect(r.errors[0]).toMatch(/AWS did not answer elasticache:DescribeReplicationGroups within 1 s/);
  });

  it('no region anywhere: says so instead of calling AWS', async () => {
    const r = await facts({ defaultRegion: undefined }).lookup({ replicationGroupId: 'prd-redis' });
    expect(r.errors[0]).toMatch(/No AWS region for prd-redis/);
    expect(fake.requests).toHaveLength(0);
  });

  it('100 concurrent look-ups of one group make exactly one DescribeReplicationGroups call, then the cache answers', async () => {
    fake.options.delayMs = 50;
    const f = facts();
    const results = await Promise.all(Array.from({ length: 100 }, () => f.lookup({ replicationGroupId: 'prd-redis' })));
    expect(results.every((r) => r.group?.transitEncryptionEnabled === false)).toBe(true);
    expect(fake.calls.DescribeReplicationGroups).toBe(1);
    expect(fake.calls.DescribeCacheClusters).toBe(1);
    await f.lookup({ replicationGroupId: 'prd-redis' });
    expect(fake.calls.DescribeReplicationGroups).toBe(1);
  });

  it('the cache expires after its TTL', async () => {
    const f = facts({ cacheTtlMs: 50 });
    await f.lookup({ replicationGroupId: 'prd-redis' });
    await new Promise((r) => setTimeout(r, 80));
    await f.lookup({ replicationGroupId: 'prd-redis' });
    expect(fake.calls.DescribeReplicationGroups).toBe(2);
  });
});

describe('ACCOUNT_ROLES', () => {
  const ROLE = 'arn:aws:iam::210987654321:role/redis-diagnose-read';
  it('assumes the mapped role (through STS) and signs ElastiCache calls with its credentials', async () => {
    fake.options.roles = { [ROLE]: 'ASIAROLEKEY' };
    const f = facts({ stsEndpoint: fake.url, accountRoles: { '210987654321': ROLE } });
    const r = await f.lookup({ replicationGroupId: 'prd-redis', accountId: '210987654321' });
    expect(r.errors).toEqual([]);
    const assume = fake.requests.find((q) => q.action === 'AssumeRole');
    expect(assume?.params.RoleArn).toBe(ROLE);
    expect(fake.requests.filter((q) => q.action === 'DescribeReplicationGroups').every((q) => q.accessKeyId === 'ASIAROLEKEY')).toBe(true);
    expect(r.notes.join(' ')).toMatch(/through arn:aws:iam::210987654321:role\/redis-diagnose-read \(account 210987654321\)/);
  });

  it('a region mapping applies when the account is not known', async () => {
    fake.options.roles = { [ROLE]: 'ASIAREGIONKEY' };
    const r = await facts({ stsEndpoint: fake.url, accountRoles: { 'ap-northeast-1': ROLE } }).lookup({ replicationGroupId: 'prd-redis' });
    expect(r.group).toBeDefined();
    expect(fake.requests.find((q) => q.action === 'DescribeReplicationGroups')?.accessKeyId).toBe('ASIAREGIONKEY');
  });

  it('a role the bot may not assume is reported as such, not as an ElastiCache denial', async () => {
    fake.options.roles = {};
    const r = await facts({ stsEndpoint: fake.url, accountRoles: { '210987654321': ROLE } }).lookup({ replicationGroupId: 'prd-redis', accountId: '210987654321' });
    expect(r.group).toBeUndefined();
    expect(r.errors[0]).toMatch(/could not assume arn:aws:iam::210987654321:role\/redis-diagnose-read/);
    expect(fake.calls.DescribeReplicationGroups ?? 0).toBe(0);
  });

  it('a group in an unmapped account says so', async () => {
    const r = await facts({ accountRoles: { '210987654321': ROLE } }).lookup({ replicationGroupId: 'other-team', accountId: '999988887777' });
    expect(r.group).toBeUndefined();
    expect(r.errors[0]).toMatch(/Account 999988887777 is not mapped in ACCOUNT_ROLES/);
  });
});
