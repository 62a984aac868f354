// The SDK's own configuration from the environment: AWS_ENDPOINT_URL_ELASTICACHE, the credential chain.
// This file changes process.env; vitest runs each test file in its own process (pool: forks).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ElastiCacheFacts } from '../../src/live/elasticache.js';
import { startFakeElastiCache, type FakeElastiCache } from '../helpers/fake-elasticache.js';

const saved = { ...process.env };
let fake: FakeElastiCache;
let made: ElastiCacheFacts[] = [];

beforeAll(async () => {
  fake = await startFakeElastiCache({ groups: [{ id: 'prd-redis', transit: 'off', engineVersion: '6.2.6' }] });
});
afterEach(() => {
  process.env = { ...saved };
  fake.reset();
  for (const f of made) f.destroy();
  made = [];
});
afterAll(async () => {
  await fake.close();
});

function clearCredentialEnv(): void {
  for (const k of Object.keys(process.env)) {
    if (/^AWS_/.test(k)) delete process.env[k];
  }
  // No shared files, no instance metadata: the chain has nothing to find and never leaves loopback.
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
  process.env.AWS_CONFIG_FILE = '/nonexistent/config';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}

describe('SDK configuration from the environment', () => {
  it('reaches the endpoint in AWS_ENDPOINT_URL_ELASTICACHE with credentials from the environment', async () => {
    clearCredentialEnv();
    process.env.AWS_ENDPOINT_URL_ELASTICACHE = fake.url;
    process.env.AWS_ACCESS_KEY_ID = 'AKIAENVTEST';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret-not-real';
    const f = new ElastiCacheFacts({ defaultRegion: 'ap-northeast-1' });
    made.push(f);
    const r = await f.lookup({ replicationGroupId: 'prd-redis' });
    expect(r.errors).toEqual([]);
    expect(r.group?.engineVersion).toBe('6.2.6');
    expect(fake.requests[0]?.accessKeyId).toBe('AKIAENVTEST');
  });

  it('no credentials: says so, and never calls AWS', async () => {
    clearCredentialEnv();
    process.env.AWS_ENDPOINT_URL_ELASTICACHE = fake.url;
    const f = new ElastiCacheFacts({ defaultRegion: 'ap-northeast-1' });
    made.push(f);
    const started = Date.now();
    const r = await f.lookup({ replicationGroupId: 'prd-redis' });
    expect(Date.now() - started).toBeLessThan(3500);
    expect(r.group).toBeUndefined();
    expect(r.errors[0]).toMatch(/No AWS credentials are configured for the bot/);
    expect(r.errors[0]).not.toMatch(/secret/i);
    expect(fake.requests).toHaveLength(0);
  });

  it('AWS down (nothing listening): says the API could not be reached, within the bound', async () => {
    const closed = await import('../helpers/redis-server.js').then((m) => m.closedPort());
    const f = new ElastiCacheFacts({ endpoint: `http://127.0.0.1:${closed}`, credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'x' }, defaultRegion: 'ap-northeast-1' });
    made.push(f);
    const started = Date.now();
    const r = await f.lookup({ replicationGroupId: 'prd-redis' });
    expect(Date.now() - started).toBeLessThan(3500);
    expect(r.errors[0]).toMatch(/Could not read replication group prd-redis: (The ElastiCache API could not be reached|AWS did not answer)/);
  });
});
