import { describe, expect, it } from 'vitest';
import { parseElastiCacheHost, REGION_CODES } from '../../src/diagnosis/hostnames.js';

describe('ElastiCache host names', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['master.prd-redis.abc123.apne1.cache.amazonaws.com', { replicationGroupId: 'prd-redis', region: 'ap-northeast-1', endpointKind: 'primary', hostStyle: 'tls' }],
    ['replica.prd-redis.abc123.use1.cache.amazonaws.com', { replicationGroupId: 'prd-redis', region: 'us-east-1', endpointKind: 'reader', hostStyle: 'tls' }],
    ['clustercfg.orders.x1y2z3.euw1.cache.amazonaws.com', { replicationGroupId: 'orders', region: 'eu-west-1', endpointKind: 'configuration', hostStyle: 'tls' }],
    ['prd-redis-001.prd-redis.abc123.usw2.cache.amazonaws.com', { replicationGroupId: 'prd-redis', cacheClusterId: 'prd-redis-001', endpointKind: 'node', hostStyle: 'tls', region: 'us-west-2' }],
    ['prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com', { replicationGroupId: 'prd-redis', region: 'ap-northeast-1', endpointKind: 'primary', hostStyle: 'plaintext' }],
    ['prd-redis-ro.abc123.ng.0001.apne1.cache.amazonaws.com', { replicationGroupId: 'prd-redis', endpointKind: 'reader', hostStyle: 'plaintext' }],
    ['orders.x1y2z3.clustercfg.euc1.cache.amazonaws.com', { replicationGroupId: 'orders', region: 'eu-central-1', endpointKind: 'configuration', hostStyle: 'plaintext' }],
    ['prd-redis-002.abc123.0001.apse2.cache.amazonaws.com', { replicationGroupId: 'prd-redis', cacheClusterId: 'prd-redis-002', endpointKind: 'node', hostStyle: 'plaintext', region: 'ap-southeast-2' }],
    ['orders-0001-001.x1y2z3.0001.use2.cache.amazonaws.com', { replicationGroupId: 'orders', cacheClusterId: 'orders-0001-001', endpointKind: 'node', hostStyle: 'plaintext' }],
    ['sessions-k2j3h4.serverless.use1.cache.amazonaws.com', { serverlessCacheName: 'sessions', endpointKind: 'serverless', hostStyle: 'serverless', region: 'us-east-1' }],
    ['master.cn-cache.abc123.cnw1.cache.amazonaws.com.cn', { replicationGroupId: 'cn-cache', region: 'cn-northwest-1', partition: 'aws-cn', hostStyle: 'tls' }],
    ['MASTER.Prd-Redis.ABC123.APNE1.cache.amazonaws.com.', { replicationGroupId: 'prd-redis', region: 'ap-northeast-1' }],
  ];
  it.each(cases)('%s', (host, expected) => {
    expect(parseElastiCacheHost(host)).toMatchObject(expected);
  });

  it('does not guess a region code it does not know', () => {
    const parsed = parseElastiCacheHost('master.g.abc123.zzz9.cache.amazonaws.com');
    expect(parsed?.region).toBeUndefined();
    expect(parsed?.unknownRegionCode).toBe(true);
  });

  it('ignores other hosts', () => {
    expect(parseElastiCacheHost('redis.example.com')).toBeUndefined();
    expect(parseElastiCacheHost('cache.amazonaws.com.evil.example')).toBeUndefined();
  });

  it('maps every region code to a region name of the right shape', () => {
    for (const [code, region] of Object.entries(REGION_CODES)) {
      expect(region, code).toMatch(/^[a-z]{2}(-gov)?-[a-z]+-\d$/);
    }
  });
});
