import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from '@cdktn/hcl2json';
import { planFix } from '../../src/remediation/index.js';
import type { Fix, TerraformChange } from '../../src/remediation/types.js';
import { checkout, fixture, group, input, mainPath, resourceBody, type Checkout } from './support.js';

const RG = 'aws_elasticache_replication_group';
const SEED_HOST = { host: 'prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com', port: 6379 };
const open: Checkout[] = [];
afterEach(async () => { await Promise.all(open.splice(0).map((c) => c.dispose())); });

async function copy(name: string): Promise<Checkout> {
  const c = await checkout(name);
  open.push(c);
  return c;
}

/** Applies every main-path diff in order, each with git apply --check first. */
async function applyMain(c: Checkout, fix: Fix): Promise<void> {
  for (const change of mainPath(fix.terraformChanges)) await c.apply(change);
}

const setsFlagTrue = (ch: TerraformChange) => /^\+\s*transit_encryption_enabled\s*=\s*true/m.test(ch.diff);

describe('seed scenario: engine 6.x, provider 5.31 (issue 4 acceptance)', () => {
  const seedInput = (live = true) => input('tls-to-plaintext', { replicationGroupId: 'prd-redis', client: 'redis-py', endpoint: SEED_HOST, tls: true },
    live ? { group: group(), errors: [] } : undefined);

  it('warns about replacement and data loss before any diff, and never offers a bare flag change', async () => {
    const fix = await planFix(seedInput(), { terraformDir: fixture('seed') });
    expect(fix.warnings[0]).toMatch(/forces a replacement/);
    expect(fix.warnings[0]).toMatch(/deletes the group and creates it again empty/);
    expect(fix.warnings[0]).toMatch(/final_snapshot_identifier/);
    expect(fix.warnings[0]).toMatch(/6\.2\.6 \(from AWS\)/);
    expect(fix.warnings.some((w) => /provider is 5\.31\.0.*older than 5\.47\.0/.test(w))).toBe(true);

    const main = mainPath(fix.terraformChanges);
    // Provider first, engine upgrade in its own apply, then flag + preferred together, then required.
    expect(main.map((c) => c.description)).toEqual(['provider constraint', 'engine upgrade', 'enable TLS, mode preferred', 'mode required']);
    const enable = main.find(setsFlagTrue)!;
    expect(enable.diff).toMatch(/^\+\s*transit_encryption_mode\s*=\s*"preferred"/m);
    expect(main.indexOf(enable)).toBeGreaterThan(main.findIndex((c) => c.description === 'engine upgrade'));
    expect(main.find((c) => c.description === 'engine upgrade')!.diff).not.toMatch(/transit_encryption/);
    // The only diff that flips the flag without the mode is the labelled replacement alternative.
    const bare = (fix.terraformChanges ?? []).filter((c) => setsFlagTrue(c) && !/transit_encryption_mode/.test(c.diff));
    expect(bare).toHaveLength(1);
    expect(bare[0]).toMatchObject({ replaces: true, alternative: true });
    expect(bare[0]!.warnings?.[0]).toMatch(/REPLACES .*every key in it is lost/);
    expect(bare[0]!.diff).toMatch(/final_snapshot_identifier\s*=\s*"prd-redis-before-tls"/);
    // The JSON contract's single diff is the first safe one, not the replacement.
    expect(fix.terraform?.description).toBe('provider constraint');
    expect(fix.facts).toMatchObject({ engineVersion: '6.2.6', engineVersionSource: 'live', engineInPlace: 'below', providerVersion: '5.31.0', providerInPlace: 'below' });
  });

  it('falls back to the configured engine_version, and says so, without live facts', async () => {
    const fix = await planFix(seedInput(false), { terraformDir: fixture('seed') });
    expect(fix.warnings[0]).toMatch(/6\.x \(as configured in engine_version/);
    expect(fix.facts?.engineVersionSource).toBe('terraform');
  });

  it('produces diffs that git apply accepts in order, leaving valid HCL with the intended values', async () => {
    const fix = await planFix(seedInput(), { terraformDir: fixture('seed') });
    const c = await copy('seed');
    const main = mainPath(fix.terraformChanges);
    await c.apply(main[0]!);
    expect((await c.hcl('versions.tf')).terraform[0].required_providers[0].aws.version).toBe('~> 5.47');
    await c.apply(main[1]!);
    let rg = resourceBody(await c.hcl('main.tf'), RG, 'prd_redis');
    expect(rg).toMatchObject({ engine_version: '7.1', parameter_group_name: 'default.redis7' });
    expect(rg.transit_encryption_enabled).toBeUndefined();
    await c.apply(main[2]!);
    rg = resourceBody(await c.hcl('main.tf'), RG, 'prd_redis');
    expect(rg).toMatchObject({ transit_encryption_enabled: true, transit_encryption_mode: 'preferred' });
    await c.apply(main[3]!);
    rg = resourceBody(await c.hcl('main.tf'), RG, 'prd_redis');
    expect(rg).toMatchObject({ transit_encryption_enabled: true, transit_encryption_mode: 'required', engine_version: '7.1' });
    // terraform fmt alignment: the new lines line up with the block's existing `=` column.
    expect(await c.read('main.tf')).toContain('  transit_encryption_enabled = true\n  transit_encryption_mode    = "required"\n');
  });

  it('the replacement alternative applies to the untouched files', async () => {
    const fix = await planFix(seedInput(), { terraformDir: fixture('seed') });
    const alt = fix.terraformChanges!.find((ch) => ch.alternative)!;
    const c = await copy('seed');
    await c.apply(alt);
    expect(resourceBody(await c.hcl('main.tf'), RG, 'prd_redis')).toMatchObject({
      transit_encryption_enabled: true, final_snapshot_identifier: 'prd-redis-before-tls', engine_version: '6.x',
    });
  });

  it('gives the redis-py TLS change for the TLS host name, and the insecure alternative labelled as such', async () => {
    const fix = await planFix(seedInput(), { terraformDir: fixture('seed') });
    expect(fix.client?.client).toBe('redis-py');
    expect(fix.client?.snippet).toContain('host="master.prd-redis.abc123.apne1.cache.amazonaws.com"');
    expect(fix.client?.snippet).toContain('ssl_cert_reqs="required"');
    const insecure = fix.clientAlternatives?.find((a) => /INSECURE/.test(a.description));
    expect(insecure?.snippet).toContain('prd-redis.abc123.ng.0001.apne1.cache.amazonaws.com');
    expect(insecure?.snippet).not.toContain('ssl=True');
    expect(fix.steps.some((s) => /Quick alternative, insecure/.test(s))).toBe(true);
  });

  it('works on HCL pasted in the thread (diff against main.tf)', async () => {
    const hcl = await readFile(fixture('seed/main.tf'), 'utf8');
    const fix = await planFix(seedInput(), { terraformHcl: hcl });
    expect(fix.warnings[0]).toMatch(/forces a replacement/);
    const c = await copy('seed');
    for (const change of mainPath(fix.terraformChanges)) await c.apply(change);
    expect(resourceBody(await c.hcl('main.tf'), RG, 'prd_redis')).toMatchObject({ transit_encryption_mode: 'required', engine_version: '7.1' });
    expect(fix.notes?.some((n) => /pasted Terraform/.test(n))).toBe(true);
  });
});

describe('7.1 group with TLS off, provider >= 5.47', () => {
  it('sets mode preferred together with the flag, and a later step sets required, with no replacement warning', async () => {
    const fix = await planFix(input('tls-to-plaintext', { replicationGroupId: 'prd-catalog', client: 'ioredis' },
      { group: group({ replicationGroupId: 'prd-catalog', engineVersion: '7.1.0', endpoints: [{ role: 'primary', host: 'prd-catalog.xyz789.ng.0001.use1.cache.amazonaws.com', port: 6379 }] }), errors: [] }),
    { terraformDir: fixture('plain-71') });
    expect(fix.warnings.join(' ')).not.toMatch(/replac/i);
    const main = mainPath(fix.terraformChanges);
    expect(main).toHaveLength(2);
    expect(main[0]!.diff).toMatch(/^\+\s*transit_encryption_enabled\s*=\s*true$/m);
    expect(main[0]!.diff).toMatch(/^\+\s*transit_encryption_mode\s*=\s*"preferred"$/m);
    expect(main[1]!.diff).toMatch(/^\+\s*transit_encryption_mode\s*=\s*"required"$/m);
    expect(main[1]!.step!).toBeGreaterThan(main[0]!.step!);
    expect(fix.terraformChanges!.some((ch) => ch.replaces)).toBe(false);
    const c = await copy('plain-71');
    await applyMain(c, fix);
    expect(resourceBody(await c.hcl('main.tf'), RG, 'catalog')).toMatchObject({ transit_encryption_enabled: true, transit_encryption_mode: 'required' });
    // `=` realigned like terraform fmt: the longer name widens the column of the whole run.
    const text = await c.read('main.tf');
    expect(text).toContain('  replication_group_id       = "prd-catalog"\n');
    expect(text).toContain('  transit_encryption_enabled = true\n  transit_encryption_mode    = "required"\n');
    expect(fix.client?.snippet).toContain('tls: {');
    expect(fix.client?.snippet).toContain('master.prd-catalog.xyz789.use1.cache.amazonaws.com');
  });
});

describe('module layout', () => {
  it('edits the module call inputs, not the shared module, and the diffs apply', async () => {
    const fix = await planFix(input('tls-to-plaintext', { replicationGroupId: 'prd-redis' }), { terraformDir: fixture('module-layout') });
    expect(fix.facts?.resource).toEqual({ address: `module.cache.${RG}.this`, file: 'modules/cache/main.tf' });
    const main = mainPath(fix.terraformChanges);
    expect(main.every((ch) => ch.files?.every((f) => f === 'main.tf'))).toBe(true);
    const c = await copy('module-layout');
    await c.apply(main[0]!);
    const call = (await c.hcl('main.tf')).module.cache[0];
    expect(call).toMatchObject({ transit_encryption_enabled: true, transit_encryption_mode: 'preferred' });
    await c.apply(main[1]!);
    expect((await c.hcl('main.tf')).module.cache[0].transit_encryption_mode).toBe('required');
    expect(await c.read('modules/cache/main.tf')).toBe(await readFile(fixture('module-layout/modules/cache/main.tf'), 'utf8'));
    // The existing input was edited, not added a second time.
    expect((await c.read('main.tf')).match(/transit_encryption_enabled/g)).toHaveLength(1);
  });
});

describe('variable-templated ids', () => {
  it('matches "${var.project}-${var.environment}-cache" through envs/prd.tfvars and edits that file', async () => {
    const fix = await planFix(input('tls-to-plaintext', { replicationGroupId: 'shop-prd-cache' }), { terraformDir: fixture('templated') });
    expect(fix.facts?.resource?.address).toBe(`${RG}.cache`);
    const main = mainPath(fix.terraformChanges);
    expect(main[0]!.files).toEqual(['envs/prd.tfvars', 'main.tf']);
    const c = await copy('templated');
    await applyMain(c, fix);
    expect(await c.hcl('envs/prd.tfvars')).toMatchObject({ environment: 'prd', cache_tls: true });
    expect(await c.hcl('envs/stg.tfvars')).toMatchObject({ environment: 'stg', cache_tls: false });
    // The mode follows the per-environment flag, so staging (TLS off) gets null.
    expect(resourceBody(await c.hcl('main.tf'), RG, 'cache').transit_encryption_mode).toBe('${var.cache_tls ? "required" : null}');
  });

  it('does not match an id no environment produces', async () => {
    const fix = await planFix(input('tls-to-plaintext', { replicationGroupId: 'shop-dev-other' }), { terraformDir: fixture('templated') });
    expect(fix.terraformChanges).toBeUndefined();
    expect(fix.notes?.join(' ')).toMatch(/None of the 1 replication group resources resolves to "shop-dev-other"/);
  });
});

describe('two candidate resources', () => {
  it('lists both and makes no diff', async () => {
    const fix = await planFix(input('tls-to-plaintext', { replicationGroupId: 'prd-redis' }), { terraformDir: fixture('two-candidates') });
    expect(fix.terraformChanges).toBeUndefined();
    const notes = fix.notes?.join('\n') ?? '';
    expect(notes).toMatch(/no diff was made/);
    expect(notes).toContain(`${RG}.primary in main.tf`);
    expect(notes).toContain(`${RG}.legacy in legacy.tf`);
  });
});

describe('odd formatting, comments and heredocs', () => {
  it('edits only the right block, keeps comments and the heredoc, and leaves valid HCL', async () => {
    const fix = await planFix(input('tls-to-plaintext', { replicationGroupId: 'odd-cache' }), { terraformDir: fixture('odd-formatting') });
    const main = mainPath(fix.terraformChanges);
    expect(main).toHaveLength(2);
    const c = await copy('odd-formatting');
    const before = await c.read('main.tf');
    await c.apply(main[0]!);
    const after = await c.read('main.tf');
    const json = await c.hcl('main.tf');
    expect(resourceBody(json, RG, 'odd')).toMatchObject({ transit_encryption_enabled: true, transit_encryption_mode: 'preferred' });
    expect(resourceBody(json, RG, 'decoy')).toMatchObject({ transit_encryption_enabled: false });
    expect(resourceBody(json, RG, 'decoy').transit_encryption_mode).toBeUndefined();
    expect(resourceBody(json, RG, 'odd').description).toContain('transit_encryption_enabled = true\n');
    expect(after).toContain('transit_encryption_enabled = true # TODO: turn on after the audit\n');
    // Every line of the original survives except the edited flag line.
    const removed = before.split('\n').filter((l) => !after.split('\n').includes(l));
    expect(removed).toEqual(['  transit_encryption_enabled = false # TODO: turn on after the audit']);
    await c.apply(main[1]!);
    expect(resourceBody(await c.hcl('main.tf'), RG, 'odd').transit_encryption_mode).toBe('required');
  });
});

describe('7.1 group already in mode preferred', () => {
  it('plaintext-to-tls: client change first, then the edit from preferred to required', async () => {
    const live = { group: group({ replicationGroupId: 'stg-sessions', engineVersion: '7.1.0', transitEncryptionEnabled: true, transitEncryptionMode: 'preferred' as const }), errors: [] };
    const fix = await planFix(input('plaintext-to-tls', { replicationGroupId: 'stg-sessions', client: 'node-redis' }, live), { terraformDir: fixture('preferred-71') });
    expect(fix.client?.snippet).toContain('rediss://');
    const main = mainPath(fix.terraformChanges);
    expect(main).toHaveLength(1);
    expect(main[0]!.diff).toMatch(/^-\s*transit_encryption_mode\s*=\s*"preferred"$/m);
    expect(main[0]!.diff).toMatch(/^\+\s*transit_encryption_mode\s*=\s*"required"$/m);
    const c = await copy('preferred-71');
    await c.apply(main[0]!);
    expect((await c.read('main.tf')).match(/transit_encryption_mode/g)).toHaveLength(1);
  });

  it('plaintext-to-tls on a required group offers going back to preferred while clients migrate', async () => {
    const hcl = (await readFile(fixture('preferred-71/main.tf'), 'utf8')).replace('"preferred"', '"required"');
    const live = { group: group({ replicationGroupId: 'stg-sessions', engineVersion: '7.1.0', transitEncryptionEnabled: true, transitEncryptionMode: 'required' as const }), errors: [] };
    const fix = await planFix(input('plaintext-to-tls', { replicationGroupId: 'stg-sessions' }, live), { terraformHcl: hcl });
    const main = mainPath(fix.terraformChanges);
    expect(main.map((ch) => ch.description)).toEqual(['back to preferred while clients migrate', 'mode required']);
    const json = await parse('main.tf', hcl.replace('"required"', '"preferred"'));
    expect(resourceBody(json, RG, 'sessions').transit_encryption_mode).toBe('preferred');
  });

  it('with RBAC user groups it says preferred is not available', async () => {
    const live = { group: group({ replicationGroupId: 'stg-sessions', engineVersion: '7.1.0', transitEncryptionEnabled: true, transitEncryptionMode: 'required' as const, userGroupIds: ['app-users'] }), errors: [] };
    const fix = await planFix(input('plaintext-to-tls', { replicationGroupId: 'stg-sessions' }, live), {});
    expect(fix.warnings.join(' ')).toMatch(/"preferred" mode is not supported together with RBAC/);
    expect(fix.terraformChanges).toBeUndefined();
  });
});

describe('valkey group', () => {
  it('is in place (valkey starts at 7.2): flag + preferred, no replacement', async () => {
    const fix = await planFix(input('tls-to-plaintext', { replicationGroupId: 'prd-valkey' }), { terraformDir: fixture('valkey') });
    expect(fix.facts).toMatchObject({ engine: 'valkey', engineInPlace: 'at-least', providerInPlace: 'at-least' });
    expect(fix.warnings.join(' ')).not.toMatch(/replac/i);
    const c = await copy('valkey');
    await applyMain(c, fix);
    expect(resourceBody(await c.hcl('main.tf'), RG, 'valkey')).toMatchObject({ engine: 'valkey', transit_encryption_enabled: true, transit_encryption_mode: 'required' });
  });
});

describe('no Terraform available', () => {
  it('gives a labelled sketch from live facts, the AWS CLI commands, and CloudFormation when a stack owns the group', async () => {
    const live = { group: group({ tags: { 'aws:cloudformation:stack-name': 'orders-cache' } }), errors: [] };
    const fix = await planFix(input('tls-to-plaintext', { replicationGroupId: 'prd-redis', endpoint: SEED_HOST }, live), {});
    expect(fix.terraformChanges).toBeUndefined();
    expect(fix.terraformSketch).toMatch(/^# SKETCH synthesised from live AWS facts/);
    expect(fix.terraformSketch).toContain('terraform import aws_elasticache_replication_group.prd_redis prd-redis');
    const json = await parse('sketch.tf', fix.terraformSketch!);
    expect(resourceBody(json, RG, 'prd_redis')).toMatchObject({ replication_group_id: 'prd-redis', engine_version: '7.1', transit_encryption_enabled: true, transit_encryption_mode: 'preferred' });
    expect(fix.awsCli).toEqual([
      'aws elasticache modify-replication-group --replication-group-id prd-redis --engine-version 7.1 --apply-immediately --region ap-northeast-1',
      'aws elasticache modify-replication-group --replication-group-id prd-redis --transit-encryption-enabled --transit-encryption-mode preferred --apply-immediately --region ap-northeast-1',
      'aws elasticache modify-replication-group --replication-group-id prd-redis --transit-encryption-mode required --apply-immediately --region ap-northeast-1',
    ]);
    expect(fix.cloudFormation).toContain('Stack "orders-cache"');
    expect(fix.cloudFormation).toContain('TransitEncryptionMode: preferred');
    expect(fix.warnings[0]).toMatch(/forces a replacement/);
  });

  it('without a stack tag there is no CloudFormation change', async () => {
    const fix = await planFix(input('tls-to-plaintext', { replicationGroupId: 'prd-redis' }, { group: group({ engineVersion: '7.1.0' }), errors: [] }), {});
    expect(fix.cloudFormation).toBeUndefined();
    expect(fix.awsCli?.[0]).toContain('--transit-encryption-mode preferred');
  });

  it('a Terraform directory that does not exist is a note, not a crash', async () => {
    const fix = await planFix(input('tls-to-plaintext', { replicationGroupId: 'prd-redis' }), { terraformDir: fixture('does-not-exist') });
    expect(fix.notes?.join(' ')).toMatch(/does not exist/);
    expect(fix.steps.length).toBeGreaterThan(0);
  });

  it('invalid pasted HCL is reported and never patched', async () => {
    const fix = await planFix(input('tls-to-plaintext', { replicationGroupId: 'prd-redis' }), { terraformHcl: 'resource "aws_elasticache_replication_group" "x" {\n  replication_group_id = "prd-redis"\n' });
    expect(fix.terraformChanges).toBeUndefined();
    expect(fix.notes?.join(' ')).toMatch(/not valid HCL/);
  });
});
