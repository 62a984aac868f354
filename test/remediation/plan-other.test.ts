import { afterEach, describe, expect, it } from 'vitest';
import { planFix } from '../../src/remediation/index.js';
import { checkout, fixture, group, input, mainPath, resourceBody, type Checkout } from './support.js';

const open: Checkout[] = [];
afterEach(async () => { await Promise.all(open.splice(0).map((c) => c.dispose())); });

const TLS_ON = { group: group({ replicationGroupId: 'prd-catalog', engineVersion: '7.1.0', transitEncryptionEnabled: true, transitEncryptionMode: 'required' as const, endpoints: [{ role: 'primary' as const, host: 'master.prd-catalog.xyz789.use1.cache.amazonaws.com', port: 6379 }] }), errors: [] };

describe('auth plans', () => {
  it('auth-not-enabled: stop sending a password, or add a token with ROTATE (diff applies, token stays a sensitive variable)', async () => {
    const fix = await planFix(input('auth-not-enabled', { replicationGroupId: 'prd-catalog', client: 'ioredis' }, TLS_ON), { terraformDir: fixture('plain-71') });
    expect(fix.steps[0]).toMatch(/stop sending one/);
    expect(fix.client?.snippet).not.toContain('password');
    const [change] = mainPath(fix.terraformChanges);
    const c = await checkout('plain-71');
    open.push(c);
    await c.apply(change!);
    const json = await c.hcl('main.tf');
    expect(resourceBody(json, 'aws_elasticache_replication_group', 'catalog')).toMatchObject({ auth_token: '${var.redis_auth_token}', auth_token_update_strategy: 'ROTATE' });
    expect(json.variable.redis_auth_token[0]).toMatchObject({ sensitive: true });
    expect(fix.steps.join(' ')).toMatch(/"SET"/);
  });

  it('auth-not-enabled on a group without TLS warns that auth_token needs transit encryption, and makes no diff', async () => {
    const fix = await planFix(input('auth-not-enabled', { replicationGroupId: 'prd-catalog' }), { terraformDir: fixture('plain-71') });
    expect(fix.warnings.join(' ')).toMatch(/auth_token can be set only when transit_encryption_enabled = true/);
    expect(fix.terraformChanges).toBeUndefined();
  });

  it('auth-missing with RBAC asks for a user name and a password, read from the environment', async () => {
    const live = { group: group({ userGroupIds: ['orders-users'], transitEncryptionEnabled: true, transitEncryptionMode: 'required' }), errors: [] };
    const fix = await planFix(input('auth-missing', { replicationGroupId: 'prd-redis', client: 'go-redis' }, live), {});
    expect(fix.steps[0]).toMatch(/RBAC user groups/);
    expect(fix.client?.snippet).toContain('Username:  os.Getenv("REDIS_USER")');
    expect(fix.client?.snippet).toContain('Password:  os.Getenv("REDIS_AUTH_TOKEN")');
    expect(fix.steps.join(' ')).toMatch(/ROTATE.*SET.*DELETE/);
  });
});

describe('TLS trust and host names', () => {
  it('untrusted certificate: CA bundle in the image, never verification off without its cost', async () => {
    const fix = await planFix(input('tls-untrusted-cert', { client: 'redis-py', endpoint: { host: 'master.prd-redis.abc123.apne1.cache.amazonaws.com', port: 6379 } }), {});
    expect(fix.steps[0]).toMatch(/ca-certificates/);
    expect(fix.client?.snippet).toContain('ssl_ca_certs="/etc/ssl/certs/ca-certificates.crt"');
    expect(fix.warnings.join(' ')).toMatch(/Do not switch certificate verification off.*read the data and the AUTH token/);
  });

  it('hostname mismatch with ioredis Cluster: dial the name, dnsLookup + redisOptions.tls', async () => {
    const live = { group: group({ clusterEnabled: true, transitEncryptionEnabled: true, endpoints: [{ role: 'configuration', host: 'clustercfg.prd-redis.abc123.apne1.cache.amazonaws.com', port: 6379 }] }), errors: [] };
    const fix = await planFix(input('tls-hostname-mismatch', { client: 'ioredis', endpoint: { host: '10.0.1.5', port: 6379 } }, live), {});
    expect(fix.steps[0]).toContain('clustercfg.prd-redis.abc123.apne1.cache.amazonaws.com');
    expect(fix.client?.snippet).toContain('dnsLookup: (address, callback) => callback(null, address)');
    expect(fix.client?.snippet).toContain('redisOptions: {');
    expect(fix.client?.snippet).toContain('tls: {}');
  });
});

describe('topology and network', () => {
  it('cluster-redirect: the cluster client against the configuration endpoint', async () => {
    const live = { group: group({ clusterEnabled: true, endpoints: [{ role: 'configuration', host: 'prd-redis.abc123.clustercfg.apne1.cache.amazonaws.com', port: 6379 }] }), errors: [] };
    const fix = await planFix(input('cluster-redirect', { client: 'redis-py', tls: false }, live), {});
    expect(fix.client?.snippet).toContain('from redis.cluster import RedisCluster');
    expect(fix.client?.snippet).toContain('prd-redis.abc123.clustercfg.apne1.cache.amazonaws.com');
  });

  it('cluster-crossslot: hash tags', async () => {
    const fix = await planFix(input('cluster-crossslot'), {});
    expect(fix.steps[0]).toContain('{user:42}:profile');
  });

  it('network-timeout: a security group rule for the port, as a diff that applies', async () => {
    const fix = await planFix(input('network-timeout', { replicationGroupId: 'prd-redis' }), { terraformDir: fixture('seed') });
    expect(fix.steps[0]).toMatch(/security group allows port 6379/);
    const [change] = mainPath(fix.terraformChanges);
    const c = await checkout('seed');
    open.push(c);
    await c.apply(change!);
    const json = await c.hcl('main.tf');
    expect(json.resource.aws_vpc_security_group_ingress_rule.redis_from_app[0]).toMatchObject({
      security_group_id: '${aws_security_group.redis.id}', referenced_security_group_id: '${var.app_security_group_id}', from_port: 6379, to_port: 6379, ip_protocol: 'tcp',
    });
    expect(json.variable.app_security_group_id).toBeDefined();
  });

  it('dns-failure after the mode became required: the plaintext-style names are gone', async () => {
    const live = { group: group({ transitEncryptionEnabled: true, transitEncryptionMode: 'required', engineVersion: '7.1.0' }), errors: [] };
    const fix = await planFix(input('dns-failure', { endpoint: { host: 'prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com', port: 6379 } }, live), {});
    expect(fix.steps.join(' ')).toMatch(/plaintext-style host names are removed: use the TLS host name master\.prd-redis\.abc123\.apne1\.cache\.amazonaws\.com/);
  });

  it('readonly-replica: write through the primary endpoint', async () => {
    const fix = await planFix(input('readonly-replica', { client: 'ioredis' }, { group: group(), errors: [] }), {});
    expect(fix.steps[0]).toContain('prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com');
    expect(fix.steps[1]).toMatch(/reconnectOnError/);
  });

  it('unknown: no fix, and says what would decide it', async () => {
    const fix = await planFix(input('unknown'), { terraformDir: fixture('seed') });
    expect(fix.terraformChanges).toBeUndefined();
    expect(fix.steps[0]).toMatch(/--live/);
  });
});

describe('registry module', () => {
  it('sets the module inputs when the group comes from terraform-aws-modules/elasticache', async () => {
    const hcl = [
      'module "redis" {',
      '  source  = "terraform-aws-modules/elasticache/aws"',
      '  version = "~> 1.2"',
      '',
      '  replication_group_id = "prd-redis"',
      '  engine_version       = "7.1"',
      '  node_type            = "cache.t4g.small"',
      '}',
      '',
    ].join('\n');
    const fix = await planFix(input('tls-to-plaintext', { replicationGroupId: 'prd-redis' }), { terraformHcl: hcl });
    const main = mainPath(fix.terraformChanges);
    expect(main[0]!.diff).toContain('+  transit_encryption_enabled = true');
    expect(main[0]!.diff).toContain('+  transit_encryption_mode    = "preferred"');
  });
});

describe('unknown client', () => {
  it('gives a generic snippet plus the common clients briefly', async () => {
    const fix = await planFix(input('plaintext-to-tls', { endpoint: { host: 'master.prd-redis.abc123.apne1.cache.amazonaws.com', port: 6379 } }), {});
    expect(fix.client?.client).toBe('generic');
    expect(fix.client?.snippet).toContain('rediss://master.prd-redis.abc123.apne1.cache.amazonaws.com:6379/0');
    expect(fix.clientAlternatives?.map((c) => c.client)).toEqual(['redis-py', 'ioredis', 'node-redis', 'jedis', 'go-redis']);
  });
});
