import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../src/diagnosis/analyze.js';

describe('what the paste says about where the client connected', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['redis.exceptions.ConnectionError: Error 111 connecting to [::1]:6379. Connection refused.', { endpoint: { host: '::1', port: 6379 } }],
    ['Could not connect to Redis at 10.0.0.5:6379: Connection refused', { endpoint: { host: '10.0.0.5', port: 6379 } }],
    ['Error 111 connecting to redis:6379. Connection refused.', { endpoint: { host: 'redis', port: 6379 } }],
    ['io.lettuce.core.RedisConnectionException: Unable to connect to master.orders.x1y2z3.use1.cache.amazonaws.com/10.0.1.5:6379',
      { endpoint: { host: 'master.orders.x1y2z3.use1.cache.amazonaws.com', port: 6379 }, replicationGroupId: 'orders', region: 'us-east-1' }],
    ['arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:orders NOAUTH Authentication required.',
      { replicationGroupId: 'orders', region: 'eu-west-1', accountId: '123456789012' }],
    ['REDIS_URL=rediss://app:[REDACTED]@clustercfg.orders.x1y2z3.euw1.cache.amazonaws.com:6379/0 MOVED 1234 10.0.1.5:6379',
      { scheme: 'rediss', tls: true, endpointKind: 'configuration', hostStyle: 'tls' }],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(analyzeText(text).context).toMatchObject(expected);
  });

  it('the hints (CLI flags, Slack arguments) win over the text', () => {
    const a = analyzeText('Error 111 connecting to 10.0.0.5:6379. Connection refused.', { group: 'prd-redis', region: 'us-west-2', endpoint: 'master.prd-redis.abc123.usw2.cache.amazonaws.com:6380' });
    expect(a.context).toMatchObject({ replicationGroupId: 'prd-redis', region: 'us-west-2', endpoint: { host: 'master.prd-redis.abc123.usw2.cache.amazonaws.com', port: 6380 } });
  });

  it('a group id or an endpoint typed alone is a target, not a paste', () => {
    expect(analyzeText('prd-redis')).toMatchObject({ inputKind: 'target', context: { replicationGroupId: 'prd-redis' } });
    expect(analyzeText('master.prd-redis.abc123.apne1.cache.amazonaws.com:6379')).toMatchObject({
      inputKind: 'target', context: { replicationGroupId: 'prd-redis', region: 'ap-northeast-1', hostStyle: 'tls' },
    });
  });
});
